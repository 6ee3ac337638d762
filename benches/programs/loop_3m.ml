i = 0;
while (i < 3000000) {
    i = i + 1;
}
result = i;
