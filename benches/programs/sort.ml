// Sorting: 300k integers from a linear congruential generator, both ways.
seed = 12345;
xs = [];
for (i in range(300000)) {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    xs.append(seed);
}
up = sorted(xs);
down = sorted(xs, true);
print(up[0], up[150000], up[299999], down[0], down[150000], down[299999]);
