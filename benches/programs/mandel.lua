-- Mandelbrot: 200x200 points, at most 100 iterations, floats at top level.
local inside = 0
local steps = 0
local y = 0
while y < 200 do
    local ci = y * 2.0 / 200 - 1.0
    local x = 0
    while x < 200 do
        local cr = x * 3.0 / 200 - 2.0
        local zr = 0.0
        local zi = 0.0
        local n = 0
        while n < 100 and zr * zr + zi * zi <= 4.0 do
            local t = zr * zr - zi * zi + cr
            zi = 2.0 * zr * zi + ci
            zr = t
            n = n + 1
        end
        if n == 100 then inside = inside + 1 end
        steps = steps + n
        x = x + 1
    end
    y = y + 1
end
print(inside .. " " .. steps)
