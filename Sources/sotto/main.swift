import SottoCore
print("sotto")
