// Program for examples/13_code_file.mltest, found next to the spec.
function greet(name) {
    return "Hello, " + name + "!";
}

print(greet(who));
