import SottoKernels

/// Matrix-vector products over bf16 and int8 weights, expanding to fp32 in registers. Decoding
/// one token is bound by memory traffic, so reading 2 or 1 bytes per weight instead of 4 is the
/// whole gain; rows are split across the kernel threads.
enum QuantizedGEMV {
    static func bf16(_ w: UnsafePointer<UInt16>, rows: Int, columns: Int, x: UnsafePointer<Float>,
                     y: UnsafeMutablePointer<Float>) {
        let shared = SharedPointers(w: UnsafeRawPointer(w), x: x, y: y)
        parallelFor(rows, minimumPerThread: 32) { range in
            let w = shared.w.assumingMemoryBound(to: UInt16.self), x = shared.x, y = shared.y
            let vectorEnd = columns & ~15
            for r in range {
                let row = w + r * columns
                var acc0 = SIMD8<Float>(), acc1 = SIMD8<Float>()
                var c = 0
                while c < vectorEnd {
                    let raw = UnsafeRawPointer(row + c).loadUnaligned(as: SIMD16<UInt16>.self)
                    let wide = SIMD16<UInt32>(truncatingIfNeeded: raw) &<< 16
                    let lo = unsafeBitCast(wide.lowHalf, to: SIMD8<Float>.self)
                    let hi = unsafeBitCast(wide.highHalf, to: SIMD8<Float>.self)
                    let xv = UnsafeRawPointer(x + c).loadUnaligned(as: SIMD16<Float>.self)
                    acc0.addProduct(lo, xv.lowHalf)
                    acc1.addProduct(hi, xv.highHalf)
                    c += 16
                }
                var sum = (acc0 + acc1).sum()
                while c < columns {
                    sum += Float(bitPattern: UInt32(row[c]) << 16) * x[c]
                    c += 1
                }
                y[r] = sum
            }
        }
    }

    static func int8(_ w: UnsafePointer<Int8>, scales: UnsafePointer<Float>, rows: Int, columns: Int,
                     x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>) {
        let shared = SharedPointers(w: UnsafeRawPointer(w), x: x, y: y)
        let sharedScales = UncheckedPointer(scales)
        parallelFor(rows, minimumPerThread: 32) { range in
            let w = shared.w.assumingMemoryBound(to: Int8.self), x = shared.x, y = shared.y
            let scales = sharedScales.pointer
            let vectorEnd = columns & ~15
            for r in range {
                let row = w + r * columns
                var acc0 = SIMD8<Float>(), acc1 = SIMD8<Float>()
                var c = 0
                while c < vectorEnd {
                    let raw = UnsafeRawPointer(row + c).loadUnaligned(as: SIMD16<Int8>.self)
                    let wide = SIMD16<Int32>(truncatingIfNeeded: raw)
                    let lo = SIMD8<Float>(wide.lowHalf), hi = SIMD8<Float>(wide.highHalf)
                    let xv = UnsafeRawPointer(x + c).loadUnaligned(as: SIMD16<Float>.self)
                    acc0.addProduct(lo, xv.lowHalf)
                    acc1.addProduct(hi, xv.highHalf)
                    c += 16
                }
                var sum = (acc0 + acc1).sum()
                while c < columns {
                    sum += Float(row[c]) * x[c]
                    c += 1
                }
                y[r] = sum * scales[r]
            }
        }
    }
}

/// Pointers handed to worker threads that write disjoint rows.
struct SharedPointers: @unchecked Sendable {
    let w: UnsafeRawPointer
    let x: UnsafePointer<Float>
    let y: UnsafeMutablePointer<Float>
}

struct UncheckedPointer<T>: @unchecked Sendable {
    let pointer: UnsafePointer<T>
    init(_ pointer: UnsafePointer<T>) { self.pointer = pointer }
}
