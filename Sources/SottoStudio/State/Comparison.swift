/// One blind judgement between two takes: from a blind A/B vote, or a pair a ranking decides.
public struct Comparison: Equatable, Sendable {
    public var first: Int
    public var second: Int
    /// The take preferred, or nil for no preference.
    public var preferred: Int?

    public init(first: Int, second: Int, preferred: Int?) {
        self.first = first
        self.second = second
        self.preferred = preferred
    }
}

extension BlindVote {
    public var comparison: Comparison { Comparison(first: takeA, second: takeB, preferred: preferred) }
}
