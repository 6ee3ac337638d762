# Objects: 200k string-keyed inserts and lookups; 200k {x, y} objects read back.
table = {}
for i in range(200000):
    table["k" + str(i)] = i
total = 0
for i in range(200000):
    total = total + table["k" + str(i)]
points = []
for i in range(200000):
    points.append({"x": i, "y": i * 2})
sx = 0
sy = 0
for p in points:
    sx = sx + p["x"]
    sy = sy + p["y"]
print(total, sx, sy)
