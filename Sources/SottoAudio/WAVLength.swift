import Glibc

/// libsndfile reads a WAV file whose audio was cut off (a copy interrupted, a recorder killed)
/// without complaint, quietly returning less than the header promises. Sotto reports it instead,
/// so a damaged reference recording is noticed. Returns the promised and present byte counts of
/// the `data` chunk when the file is a plain RIFF WAV that is shorter than its header says.
func wavDataShortfall(path: String) -> (promised: Int, present: Int)? {
    let descriptor = open(path, O_RDONLY)
    guard descriptor >= 0 else { return nil }
    defer { close(descriptor) }
    var status = stat()
    guard fstat(descriptor, &status) == 0 else { return nil }
    var header = [UInt8](repeating: 0, count: 65_536)
    let count = header.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
    guard count >= 12 else { return nil }
    header.removeLast(header.count - count)

    func tag(at offset: Int) -> String {
        String(decoding: header[offset..<(offset + 4)], as: UTF8.self)
    }
    func size(at offset: Int) -> Int {
        (0..<4).reduce(0) { $0 | Int(header[offset + $1]) << (8 * $1) }
    }
    guard tag(at: 0) == "RIFF", tag(at: 8) == "WAVE" else { return nil }
    var offset = 12
    while offset + 8 <= header.count {
        let chunkSize = size(at: offset + 4)
        if tag(at: offset) == "data" {
            // Writers that stream to a pipe leave 0 or 0xFFFFFFFF here, meaning "unknown".
            guard chunkSize != 0, chunkSize != 0xFFFF_FFFF else { return nil }
            let present = Int(status.st_size) - (offset + 8)
            return chunkSize > present ? (chunkSize, present) : nil
        }
        offset += 8 + chunkSize + (chunkSize & 1)
    }
    return nil
}
