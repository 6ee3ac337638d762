-- A while loop at top level: 10M iterations of integer arithmetic.
local s = 0
local i = 0
while i < 10000000 do
    s = s + i % 7
    i = i + 1
end
print(s)
