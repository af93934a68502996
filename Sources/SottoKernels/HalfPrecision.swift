import CKernels

/// Conversions between float32 and the 16-bit formats weights arrive in.
public enum HalfPrecision {
    public static func float16ToFloat(_ src: UnsafePointer<UInt16>, _ dst: UnsafeMutablePointer<Float>, count: Int) {
        sotto_f16_to_f32(src, dst, count)
    }

    public static func floatToFloat16(_ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<UInt16>, count: Int) {
        sotto_f32_to_f16(src, dst, count)
    }

    public static func bfloat16ToFloat(_ src: UnsafePointer<UInt16>, _ dst: UnsafeMutablePointer<Float>, count: Int) {
        sotto_bf16_to_f32(src, dst, count)
    }

    /// Round to nearest even; NaN stays NaN.
    public static func floatToBFloat16(_ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<UInt16>, count: Int) {
        sotto_f32_to_bf16(src, dst, count)
    }

    /// A float tensor from raw float16 or bfloat16 bits.
    public static func tensor(float16 bits: [UInt16], shape: Shape) -> Tensor {
        precondition(bits.count == shape.elementCount, "\(bits.count) values for \(shape)")
        let t = Tensor(zeros: shape)
        sotto_f16_to_f32(bits, t.pointer, bits.count)
        return t
    }

    public static func tensor(bfloat16 bits: [UInt16], shape: Shape) -> Tensor {
        precondition(bits.count == shape.elementCount, "\(bits.count) values for \(shape)")
        let t = Tensor(zeros: shape)
        sotto_bf16_to_f32(bits, t.pointer, bits.count)
        return t
    }
}
