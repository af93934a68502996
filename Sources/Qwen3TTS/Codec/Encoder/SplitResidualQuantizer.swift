import SottoCore
import SottoKernels

/// Mimi's split residual vector quantiser, encoding side: the semantic RVQ and the acoustic RVQ
/// each project the SAME latent with their own 1×1 `input_proj` and then run their own residual
/// chain (code = nearest codebook entry by Euclidean distance, residual −= that entry). Codes
/// are the semantic ones followed by the acoustic ones. Quantizer q never looks at later ones,
/// so only the first `keptQuantizers` are run: the reference runs all 32 and drops the rest,
/// which gives the same kept codes.
final class SplitResidualQuantizer: @unchecked Sendable {
    struct Chain {
        /// `[codebookDim, hidden]`, or nil when the latent already has the codebook's width.
        let inputProjection: Tensor?
        /// Entries `embed_sum / max(cluster_usage, 1e-5)`, `[size, codebookDim]` each.
        let codebooks: [Tensor]
        /// ‖entry‖² per codebook, `[size]` each.
        let squaredNorms: [[Float]]
    }

    let chains: [Chain]
    let codebookSize: Int
    let codebookDim: Int

    init(_ archive: SafetensorsArchive, config: CodecEncoderConfiguration) throws {
        codebookSize = config.codebookSize
        codebookDim = config.codebookDim
        let acoustic = config.keptQuantizers - config.semanticQuantizers
        let q = "encoder.quantizer."
        chains = try [("semantic_residual_vector_quantizer.", config.semanticQuantizers),
                      ("acoustic_residual_vector_quantizer.", acoustic)].map { name, count in
            let prefix = q + name
            let projection = archive.contains(prefix + "input_proj.weight")
                ? try archive.tensor(prefix + "input_proj.weight", shape: [config.codebookDim, config.hiddenSize, 1])
                    .reshaped([config.codebookDim, config.hiddenSize])
                : nil
            if projection == nil, config.codebookDim != config.hiddenSize {
                throw SottoError("\(archive.url.lastPathComponent) has no tensor \(prefix)input_proj.weight",
                                 hint: "the file does not match this codec's config.json")
            }
            let books = try (0 ..< count).map { i in
                try Self.codebook(archive, prefix + "layers.\(i).codebook.", size: config.codebookSize, dim: config.codebookDim)
            }
            return Chain(inputProjection: projection, codebooks: books, squaredNorms: books.map(Self.squaredNorms))
        }
    }

    /// The EMA codebook as Mimi stores it, divided out once (the division is the reference's,
    /// so the entries are bit-identical to its `embed`).
    private static func codebook(_ archive: SafetensorsArchive, _ prefix: String, size: Int, dim: Int) throws -> Tensor {
        let table = try archive.tensor(prefix + "embed_sum", shape: [size, dim])
        let usage = try archive.floats(prefix + "cluster_usage", shape: [size])
        for row in 0 ..< size {
            let divisor = max(usage[row], 1e-5)
            let values = table.pointer + row * dim
            for i in 0 ..< dim { values[i] /= divisor }
        }
        return table
    }

    private static func squaredNorms(_ book: Tensor) -> [Float] {
        let dim = book.shape[1]
        return (0 ..< book.shape[0]).map { row in
            let values = book.pointer + row * dim
            var sum: Float = 0
            for i in 0 ..< dim { sum += values[i] * values[i] }
            return sum
        }
    }

    /// Codes for `latent` `[hidden, frames]`: `[frames][kept]`.
    func encode(_ latent: Tensor, workspace: Workspace) -> [[Int]] {
        let frames = latent.shape[1]
        var codes = [[Int]](repeating: [], count: frames)
        let mark = workspace.mark()
        defer { workspace.release(to: mark) }
        let residual = workspace.tensor([frames, codebookDim])
        let scores = workspace.tensor([frames, codebookSize])
        for chain in chains {
            if let projection = chain.inputProjection {
                BLAS.matmul(latent.transposed(), projection.transposed(), into: residual, workspace: workspace)
            } else {
                residual.copy(from: latent.transposed())
            }
            for (book, norms) in zip(chain.codebooks, chain.squaredNorms) {
                BLAS.matmul(residual, book.transposed(), into: scores, alpha: -2)
                for f in 0 ..< frames {
                    let code = nearest(scores: scores.pointer + f * codebookSize, norms: norms,
                                       row: residual.pointer + f * codebookDim)
                    codes[f].append(code)
                    let entry = book.pointer + code * codebookDim, r = residual.pointer + f * codebookDim
                    for i in 0 ..< codebookDim { r[i] -= entry[i] }
                }
            }
        }
        return codes
    }

    /// The entry with the smallest ‖x‖² + ‖e‖² − 2·x·e (the reference's matrix-product form of
    /// the squared distance); the first such entry on a tie, as `argmin` picks.
    private func nearest(scores: UnsafePointer<Float>, norms: [Float], row: UnsafePointer<Float>) -> Int {
        var own: Float = 0
        for i in 0 ..< codebookDim { own += row[i] * row[i] }
        var best = 0
        var smallest = Float.infinity
        norms.withUnsafeBufferPointer { n in
            for j in 0 ..< codebookSize {
                let distance = max(scores[j] + own + n[j], 0)
                if distance < smallest {
                    smallest = distance
                    best = j
                }
            }
        }
        return best
    }
}
