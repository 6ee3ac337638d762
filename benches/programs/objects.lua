-- Objects: 200k string-keyed inserts and lookups; 200k {x, y} objects read back.
local table_ = {}
for i = 0, 199999 do
    table_["k" .. tostring(i)] = i
end
local total = 0
for i = 0, 199999 do
    total = total + table_["k" .. tostring(i)]
end
local points = {}
for i = 0, 199999 do
    points[#points + 1] = {x = i, y = i * 2}
end
local sx = 0
local sy = 0
for _, p in ipairs(points) do
    sx = sx + p.x
    sy = sy + p.y
end
print(total .. " " .. sx .. " " .. sy)
