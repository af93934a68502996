import SottoCore
