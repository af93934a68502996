import SottoCore

/// Which model a front end uses when the user names none.
public enum DefaultModel {
    /// The voice Scripts/setup installs: small, fast and good enough to start with.
    public static let bundledID = "piper:en_US-joe-medium"

    /// The bundled voice when it is complete and this build runs it, else the first complete
    /// model this build runs.
    public static func choose(from models: [ModelDescriptor], families: ModelFamilies) -> ModelDescriptor? {
        let usable = models.filter { $0.isComplete && families.supports($0.kind) }
        return usable.first { $0.id == bundledID } ?? usable.first
    }
}
