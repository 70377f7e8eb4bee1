print("memgate")
