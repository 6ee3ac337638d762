// A realistic 120-line ML program: inventory processing with closures,
// objects, loops, string building and error handling.
import console;

function make_item(name, price, qty, tags) {
    return {name: name, price: price, qty: qty, tags: tags};
}

function total_value(items) {
    total = 0;
    for (item in items) {
        total = total + item.price * item.qty;
    }
    return total;
}

function filter_items(items, pred) {
    out = [];
    for (item in items) {
        if (pred(item)) {
            out.append(item);
        }
    }
    return out;
}

function map_items(items, f) {
    out = [];
    for (item in items) {
        out.append(f(item));
    }
    return out;
}

function has_key(obj, key) {
    for (k in obj) {
        if (k == key) { return true; }
    }
    return false;
}

function group_by_tag(items) {
    groups = {};
    for (item in items) {
        for (tag in item.tags) {
            if (!has_key(groups, tag)) {
                groups[tag] = [];
            }
            groups[tag].append(item.name);
        }
    }
    return groups;
}

function counter() {
    count = 0;
    function inc(step) {
        nonlocal count;
        count = count + step;
        return count;
    }
    return inc;
}

function safe_divide(a, b) {
    nonlocal calls;
    try {
        return a / b;
    } except (e) {
        return null;
    } finally {
        calls = calls + 1;
    }
}

function describe(item) {
    label = item.name + " x" + str(item.qty);
    if (item.price > 100) {
        label = label + " (premium)";
    } elif (item.price > 10) {
        label = label + " (standard)";
    } else {
        label = label + " (budget)";
    }
    return label;
}

function fib(n) {
    return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

calls = 0;
items = [
    make_item("laptop", 1200.0, 3, ["tech", "premium"]),
    make_item("mouse", 25.5, 10, ["tech"]),
    make_item("desk", 300, 2, ["furniture", "premium"]),
    make_item("pen", 1.25, 100, ["office"]),
    make_item("chair", 150, 4, ["furniture"]),
];

expensive = filter_items(items, fn(i) => i.price > 100);
names = map_items(expensive, fn(i) => i.name.upper());
groups = group_by_tag(items);
inc = counter();
for (i in range(10)) {
    inc(i);
}

labels = [];
for (item in items) {
    labels.append(describe(item));
}

ratio = safe_divide(total_value(items), len(items));
bad = safe_divide(1, 0);
summary = {
    total: total_value(items),
    expensive: names,
    groups: len(keys(groups)),
    counted: inc(0),
    ratio: ratio,
    bad: bad,
    fib: fib(10),
    calls: calls,
};
console.log(", ".join(labels));
result = summary;
