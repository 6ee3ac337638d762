-- Strings: build 300k, join, split, endswith, upper, count.
local parts = {}
for i = 0, 299999 do
    parts[#parts + 1] = "item" .. tostring(i)
end
local text = table.concat(parts, ",")
local pieces = {}
for p in string.gmatch(text, "[^,]+") do
    pieces[#pieces + 1] = p
end
local sevens = 0
for _, p in ipairs(pieces) do
    if p:sub(-1) == "7" then
        sevens = sevens + 1
    end
end
local upper = text:upper()
local count, at = 0, 1
while true do
    local s, e = string.find(upper, "ITEM12", at, true)
    if not s then break end
    count = count + 1
    at = e + 1
end
print(#text .. " " .. #pieces .. " " .. sevens .. " " .. count)
