import Glibc

/// Complex FFT of one fixed size with split real/imaginary buffers: mixed radix (4, 2, 3, 5, and
/// any other prime by a direct butterfly), decimation in time, twiddles precomputed in double.
/// Forward uses e^(−2πi·kn/N); ``inverse(real:imag:)`` is unnormalised (multiply by 1/N yourself).
public final class FFT: Sendable {
    public let size: Int
    let factors: [Int]
    let cosTable: [Float]
    let sinTable: [Float]

    public init(size: Int) {
        precondition(size >= 1, "FFT size must be positive")
        self.size = size
        var f: [Int] = []
        var n = size
        while n % 4 == 0 { f.append(4); n /= 4 }
        while n % 2 == 0 { f.append(2); n /= 2 }
        var p = 3
        while n > 1 {
            while n % p == 0 { f.append(p); n /= p }
            p += 2
        }
        factors = f
        cosTable = (0..<size).map { Float(Glibc.cos(-2 * Double.pi * Double($0) / Double(size))) }
        sinTable = (0..<size).map { Float(Glibc.sin(-2 * Double.pi * Double($0) / Double(size))) }
    }

    /// True when every prime factor is small (2, 3, 5, 7), i.e. the FFT is fast.
    public var isSmooth: Bool { factors.allSatisfy { $0 <= 7 } }

    /// In-place forward transform of `size` complex values.
    public func forward(real: UnsafeMutablePointer<Float>, imag: UnsafeMutablePointer<Float>) {
        withUnsafeTemporaryAllocation(of: Float.self, capacity: 2 * size) { scratch in
            let sr = scratch.baseAddress!, si = sr + size
            sr.update(from: real, count: size)
            si.update(from: imag, count: size)
            transform(inReal: sr, inImag: si, stride: 1, outReal: real, outImag: imag, count: size, level: 0,
                      twiddleStride: 1)
        }
    }

    /// In-place inverse transform (no 1/N factor).
    public func inverse(real: UnsafeMutablePointer<Float>, imag: UnsafeMutablePointer<Float>) {
        for i in 0..<size { imag[i] = -imag[i] }
        forward(real: real, imag: imag)
        for i in 0..<size { imag[i] = -imag[i] }
    }

    private func transform(inReal: UnsafePointer<Float>, inImag: UnsafePointer<Float>, stride: Int,
                           outReal: UnsafeMutablePointer<Float>, outImag: UnsafeMutablePointer<Float>,
                           count n: Int, level: Int, twiddleStride s: Int) {
        if n == 1 {
            outReal[0] = inReal[0]
            outImag[0] = inImag[0]
            return
        }
        let p = factors[level]
        let m = n / p
        for r in 0..<p {
            transform(inReal: inReal + r * stride, inImag: inImag + r * stride, stride: stride * p,
                      outReal: outReal + r * m, outImag: outImag + r * m, count: m, level: level + 1,
                      twiddleStride: s * p)
        }
        cosTable.withUnsafeBufferPointer { ct in
            sinTable.withUnsafeBufferPointer { st in
                butterflies(outReal, outImag, radix: p, span: m, twiddleStride: s, ct.baseAddress!, st.baseAddress!)
            }
        }
    }

    /// Combines p sub-transforms of length m (stored one after another) into one of length p·m.
    @inline(__always)
    private func butterflies(_ re: UnsafeMutablePointer<Float>, _ im: UnsafeMutablePointer<Float>, radix p: Int,
                             span m: Int, twiddleStride s: Int, _ ct: UnsafePointer<Float>, _ st: UnsafePointer<Float>) {
        switch p {
        case 2:
            for k in 0..<m {
                let w = k * s
                let br = re[m + k] * ct[w] - im[m + k] * st[w]
                let bi = re[m + k] * st[w] + im[m + k] * ct[w]
                let ar = re[k], ai = im[k]
                re[k] = ar + br; im[k] = ai + bi
                re[m + k] = ar - br; im[m + k] = ai - bi
            }
        case 4:
            for k in 0..<m {
                var xr = (re[k], 0 as Float, 0 as Float, 0 as Float)
                var xi = (im[k], 0 as Float, 0 as Float, 0 as Float)
                let w1 = k * s, w2 = 2 * k * s, w3 = 3 * k * s
                xr.1 = re[m + k] * ct[w1] - im[m + k] * st[w1]; xi.1 = re[m + k] * st[w1] + im[m + k] * ct[w1]
                xr.2 = re[2 * m + k] * ct[w2] - im[2 * m + k] * st[w2]; xi.2 = re[2 * m + k] * st[w2] + im[2 * m + k] * ct[w2]
                xr.3 = re[3 * m + k] * ct[w3] - im[3 * m + k] * st[w3]; xi.3 = re[3 * m + k] * st[w3] + im[3 * m + k] * ct[w3]
                let s02r = xr.0 + xr.2, s02i = xi.0 + xi.2, d02r = xr.0 - xr.2, d02i = xi.0 - xi.2
                let s13r = xr.1 + xr.3, s13i = xi.1 + xi.3, d13r = xr.1 - xr.3, d13i = xi.1 - xi.3
                // Forward transform: multiplying by −i maps (a, b) to (b, −a).
                re[k] = s02r + s13r; im[k] = s02i + s13i
                re[m + k] = d02r + d13i; im[m + k] = d02i - d13r
                re[2 * m + k] = s02r - s13r; im[2 * m + k] = s02i - s13i
                re[3 * m + k] = d02r - d13i; im[3 * m + k] = d02i + d13r
            }
        default:
            withUnsafeTemporaryAllocation(of: Float.self, capacity: 2 * p) { tmp in
                let tr = tmp.baseAddress!, ti = tr + p
                for k in 0..<m {
                    for r in 0..<p {
                        let w = (r * k * s) % size
                        tr[r] = re[r * m + k] * ct[w] - im[r * m + k] * st[w]
                        ti[r] = re[r * m + k] * st[w] + im[r * m + k] * ct[w]
                    }
                    for q in 0..<p {
                        var sr: Float = 0, si: Float = 0
                        for r in 0..<p {
                            // W_p^(rq) = W_N^(rq·m·s) with N = size.
                            let w = ((r * q) % p) * m * s % size
                            sr += tr[r] * ct[w] - ti[r] * st[w]
                            si += tr[r] * st[w] + ti[r] * ct[w]
                        }
                        re[q * m + k] = sr
                        im[q * m + k] = si
                    }
                }
            }
        }
    }
}
