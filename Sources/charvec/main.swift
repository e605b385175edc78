print("charvec")
