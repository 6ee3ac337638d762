# Strings: build 300k, join, split, endswith, upper, count.
parts = []
for i in range(300000):
    parts.append("item" + str(i))
text = ",".join(parts)
pieces = text.split(",")
sevens = 0
for p in pieces:
    if p.endswith("7"):
        sevens = sevens + 1
upper = text.upper()
print(len(text), len(pieces), sevens, upper.count("ITEM12"))
