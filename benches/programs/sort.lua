-- Sorting: 300k integers from a linear congruential generator, both ways.
local seed = 12345
local xs = {}
for i = 0, 299999 do
    seed = (seed * 1103515245 + 12345) % 2147483648
    xs[#xs + 1] = seed
end
local up = table.move(xs, 1, #xs, 1, {})
table.sort(up)
local down = table.move(xs, 1, #xs, 1, {})
table.sort(down, function(a, b) return a > b end)
print(up[1] .. " " .. up[150001] .. " " .. up[300000] .. " " ..
      down[1] .. " " .. down[150001] .. " " .. down[300000])
