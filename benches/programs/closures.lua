-- Closures: 100 adders from a closure factory, called 2M times.
local function make_adder(k)
    return function(x) return x + k end
end
local adders = {}
for k = 0, 99 do
    adders[#adders + 1] = make_adder(k)
end
local total = 0
for i = 0, 1999999 do
    local add = adders[i % 100 + 1]
    total = add(total)
end
print(total)
