import Foundation

/// A waveform reduced to one level per screen column.
public enum Waveform {
    /// The peak level of each of `columns` equal slices of `samples`, on a 48 dB scale
    /// (0 is silence or quieter than -48 dBFS, 1 is full scale), so quiet speech still shows.
    public static func levels(_ samples: [Float], columns: Int, totalFrames: Int? = nil) -> [Double] {
        guard columns > 0 else { return [] }
        let total = max(totalFrames ?? samples.count, samples.count)
        guard total > 0 else { return Array(repeating: 0, count: columns) }
        var levels = [Double](repeating: 0, count: columns)
        samples.withUnsafeBufferPointer { buffer in
            for column in 0..<columns {
                let start = column * total / columns
                let end = min(buffer.count, max(start + 1, (column + 1) * total / columns))
                guard start < end else { continue }
                var peak: Float = 0
                for index in start..<end { peak = max(peak, abs(buffer[index])) }
                levels[column] = peak > 0 ? max(0, 1 + 20 * log10(Double(peak)) / 48) : 0
            }
        }
        return levels
    }
}
