// Mandelbrot: 200x200 points, at most 100 iterations, floats at top level.
inside = 0;
steps = 0;
y = 0;
while (y < 200) {
    ci = y * 2.0 / 200 - 1.0;
    x = 0;
    while (x < 200) {
        cr = x * 3.0 / 200 - 2.0;
        zr = 0.0;
        zi = 0.0;
        n = 0;
        while (n < 100 && zr * zr + zi * zi <= 4.0) {
            t = zr * zr - zi * zi + cr;
            zi = 2.0 * zr * zi + ci;
            zr = t;
            n = n + 1;
        }
        if (n == 100) { inside = inside + 1; }
        steps = steps + n;
        x = x + 1;
    }
    y = y + 1;
}
print(inside, steps);
