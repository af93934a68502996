import CKernels

/// How both integer paths stage their input: each column of a group of `channels` input
/// channels becomes one 32-bit word (two int16 for the 16-bit kernel, four bytes for the byte
/// kernel), quantised from float rows (the input padded, through the Snake map if there is one).
extension IntegerConv1d {
    struct Packing {
        /// Input channels per word.
        let channels: Int
        /// Columns the kernel may read past a range's last output (its register tile).
        let tile: Int
        /// Quantises `count` columns of the group's float rows (`present` of them, `rowStride`
        /// apart; the rest are channels past the last) into words.
        let pack: (_ rows: UnsafePointer<Float>, _ rowStride: Int, _ present: Int, _ count: Int,
                   _ out: UnsafeMutableRawPointer) -> Void
    }

    /// The whole padded input as words `[groups, stride]` in a tensor from `workspace` (floats
    /// are four bytes, as words are), with its stride: readable `tile` columns past the end.
    func stageWhole(_ x: Tensor, snake: ChannelSnake?, _ packing: Packing, workspace: Workspace) -> (staged: Tensor, stride: Int) {
        let paddedLength = x.shape[1] + padding.left + padding.right
        let stride = (paddedLength + packing.tile + 15) / 16 * 16
        let groups = (inChannels + packing.channels - 1) / packing.channels
        let staged = workspace.tensor([groups, stride])
        let rowScratch = packing.channels * paddedLength
        let grain = max(1, 32768 / max(packing.channels * paddedLength, 1))
        let parts = parallelPartCount(groups, minimumPerThread: grain)
        withExtendedLifetime((x, staged)) {
            let words = UnsafeMutableRawPointer(staged.pointer).assumingMemoryBound(to: UInt32.self)
            workspace.withScratch(parts * rowScratch) { scratch in
                parallelParts(groups, minimumPerThread: grain) { part, range in
                    let rows = scratch + part * rowScratch
                    for g in range {
                        let first = g * packing.channels, present = min(packing.channels, inChannels - first)
                        for h in 0..<present { stageRow(x, channel: first + h, snake: snake, into: rows + h * paddedLength) }
                        let row = words + g * stride
                        packing.pack(rows, paddedLength, present, paddedLength, UnsafeMutableRawPointer(row))
                        (row + paddedLength).update(repeating: 0, count: stride - paddedLength)
                    }
                }
            }
        }
        return (staged, stride)
    }

    /// A long signal, window by window of `window` output columns: each thread quantises the
    /// input columns one window reads (the window plus the kernel's span) into scratch of its own
    /// and hands them to `convolve(words, stride, t0, t1)` while they are in cache. No quantised
    /// copy of the whole input is held, and each input column is mapped and quantised once (a
    /// thread's windows are consecutive, and the overlap of two is carried over). Zero padding only.
    func convolveByWindows(_ x: Tensor, snake: ChannelSnake?, _ packing: Packing, window: Int, outLength: Int,
                           workspace: Workspace,
                           _ convolve: (_ words: UnsafeRawPointer, _ stride: Int, _ t0: Int, _ t1: Int) -> Void) {
        let windows = (outLength + window - 1) / window
        let span = dilation * (kernelSize - 1) + 1
        let columns = window + span - 1
        // Readable columns past a window's last tile, whole cache lines.
        let stride = (columns + packing.tile + 15) / 16 * 16
        let groups = (inChannels + packing.channels - 1) / packing.channels
        // The words take one float's bytes per column; then the float rows to stage from.
        let perPart = groups * stride + packing.channels * columns
        let parts = parallelPartCount(windows)
        workspace.withScratch(parts * perPart) { scratch in
            withExtendedLifetime(x) {
                parallelParts(windows) { part, range in
                    let base = scratch + part * perPart
                    let words = UnsafeMutableRawPointer(base).assumingMemoryBound(to: UInt32.self)
                    let rows = base + groups * stride
                    for index in range {
                        let t0 = index * window, t1 = min(outLength, t0 + window)
                        let width = t1 - t0 + span - 1
                        // A range's windows are consecutive: the previous one staged this one's
                        // first span − 1 columns as its last (every window but the signal's last
                        // is full), so they are moved, not mapped again.
                        let kept = index > range.lowerBound ? span - 1 : 0
                        let fresh = width - kept
                        for g in 0..<groups {
                            let first = g * packing.channels, present = min(packing.channels, inChannels - first)
                            let row = words + g * stride
                            if kept > 0 { row.update(from: row + window, count: kept) }
                            for h in 0..<present {
                                stageColumns(x, channel: first + h, from: t0 + kept, count: fresh, snake: snake,
                                             into: rows + h * columns)
                            }
                            packing.pack(rows, columns, present, fresh, UnsafeMutableRawPointer(row + kept))
                            (row + width).update(repeating: 0, count: stride - width)
                        }
                        convolve(UnsafeRawPointer(words), stride, t0, t1)
                    }
                }
            }
        }
    }

    /// Runs a kernel over the whole output: window by window (``convolveByWindows``) for a long
    /// zero-padded signal, else over the whole staged input (``stageWhole``) in parts
    /// (``forEachPart``). `kernel` gets the staged words and their stride, the output column that
    /// staged column 0 stands for, the staged columns `t0 ..< t1` to produce, and the output
    /// blocks to produce them for (the first one and the rows from it).
    func convolve(_ x: Tensor, snake: ChannelSnake?, _ packing: Packing, window: Int, sweep: Int, blockRows: Int,
                  minimumWork: Int, outLength: Int, workspace: Workspace,
                  _ kernel: (_ words: UnsafeRawPointer, _ stride: Int, _ outColumn: Int, _ t0: Int, _ t1: Int,
                             _ firstBlock: Int, _ rows: Int) -> Void) {
        if padding.mode == .zeros, (outLength + window - 1) / window >= 2 * KernelThreads.count {
            convolveByWindows(x, snake: snake, packing, window: window, outLength: outLength,
                              workspace: workspace) { words, stride, t0, t1 in
                kernel(words, stride, t0, 0, t1 - t0, 0, outChannels)
            }
            return
        }
        let mark = workspace.mark()
        defer { workspace.release(to: mark) }
        let (staged, stride) = stageWhole(x, snake: snake, packing, workspace: workspace)
        withExtendedLifetime(staged) {
            let words = UnsafeRawPointer(staged.pointer)
            forEachPart(outLength: outLength, sweep: sweep, blockRows: blockRows, minimumWork: minimumWork) { t0, t1, b0, rows in
                kernel(words, stride, 0, t0, t1, b0, rows)
            }
        }
    }

    /// Columns `u0 ..< u0 + count` of the zero-padded input row `c` (through `snake` if given).
    @inline(__always)
    func stageColumns(_ x: Tensor, channel c: Int, from u0: Int, count: Int, snake: ChannelSnake?,
                      into row: UnsafeMutablePointer<Float>) {
        let length = x.shape[1]
        let lead = min(count, max(0, padding.left - u0))
        let start = max(0, u0 - padding.left)
        let n = max(0, min(length, u0 + count - padding.left) - start)
        row.update(repeating: 0, count: lead)
        let data = row + lead, src = x.pointer + c * x.rowStride + start
        if let snake { snake.apply(channel: c, src, into: data, count: n) } else { data.update(from: src, count: n) }
        (data + n).update(repeating: 0, count: count - lead - n)
    }

    /// One padded input row as the convolution reads it: `x` row `c`, through `snake` if given.
    @inline(__always)
    func stageRow(_ x: Tensor, channel c: Int, snake: ChannelSnake?, into row: UnsafeMutablePointer<Float>) {
        let length = x.shape[1]
        padding.padRow(x.pointer + c * x.rowStride, count: length, into: row)
        guard let snake else { return }
        // Zero padding stays zero; mirrored or repeated samples go through the map like the rest.
        if padding.mode == .zeros {
            snake.apply(channel: c, row + padding.left, into: row + padding.left, count: length)
        } else {
            snake.apply(channel: c, row, into: row, count: length + padding.left + padding.right)
        }
    }

    /// Runs `body(t0, t1, firstBlock, rows)` on the kernel threads for parts of the output: sweeps
    /// of `sweep` columns, and for a short signal (the decoder's frame-rate convolutions) groups
    /// of `blockRows`-row output blocks too, so every thread gets work; a part is at least
    /// `minimumWork` multiply-adds where there are enough.
    func forEachPart(outLength: Int, sweep: Int, blockRows: Int, minimumWork: Int,
                     _ body: (_ t0: Int, _ t1: Int, _ firstBlock: Int, _ rows: Int) -> Void) {
        let chunks = (outLength + sweep - 1) / sweep
        let blocks = (outChannels + blockRows - 1) / blockRows
        let wanted = 2 * KernelThreads.count
        let groups = chunks >= wanted ? 1 : min(blocks, (wanted + chunks - 1) / chunks)
        let work = (blocks / groups) * blockRows * inChannels * kernelSize * sweep
        parallelParts(chunks * groups, minimumPerThread: max(1, minimumWork / max(work, 1))) { _, range in
            for part in range {
                let chunk = part / groups, group = part % groups
                let b0 = group * blocks / groups, b1 = (group + 1) * blocks / groups
                let t0 = chunk * sweep, t1 = min(outLength, t0 + sweep)
                let rows = min(outChannels, b1 * blockRows) - b0 * blockRows
                guard t0 < t1, rows > 0 else { continue }
                body(t0, t1, b0, rows)
            }
        }
    }
}
