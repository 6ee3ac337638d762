// Closures: 100 adders from a closure factory, called 2M times.
function make_adder(k) {
    return fn(x) => x + k;
}
adders = [];
for (k in range(100)) {
    adders.append(make_adder(k));
}
total = 0;
for (i in range(2000000)) {
    add = adders[i % 100];
    total = add(total);
}
print(total);
