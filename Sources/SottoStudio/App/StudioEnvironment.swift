import Foundation
import SottoCore
import SottoMetrics

/// What the studio is started with: engines, folders, the playback device, settings.
public struct StudioEnvironment {
    /// The model families the studio lists and loads.
    public var families: ModelFamilies
    public var modelsDirectory: URL
    public var sessionsDirectory: URL
    public var resources: StudioResources
    public var output: any AudioOutput
    public var config: StudioConfig
    /// Why the config file could not be read, to show at start.
    public var configProblem: String?
    /// A theme named on the command line (wins over the config file).
    public var themeOverride: String?
    /// A device named on the command line (wins over the config file).
    public var deviceOverride: String?
    /// Start a new session instead of reopening the last.
    public var newSession: Bool
    /// Open (or create) this session instead: a name in the sessions folder, or a folder's path.
    public var sessionName: String?
    /// Monotonic seconds.
    public var clock: @Sendable () -> Double
    /// Seeds the blind test's shuffling and the random seeds of takes; nil draws from the system.
    public var randomSeed: UInt64?
    /// The number of colours the terminal shows (0 for none); set by the terminal layer.
    public var terminalColors: Int

    public init(families: ModelFamilies, modelsDirectory: URL, sessionsDirectory: URL, resources: StudioResources,
                output: any AudioOutput, config: StudioConfig = StudioConfig(), configProblem: String? = nil,
                themeOverride: String? = nil, deviceOverride: String? = nil, newSession: Bool = false,
                sessionName: String? = nil, clock: @escaping @Sendable () -> Double = { MonotonicClock.now() }, randomSeed: UInt64? = nil,
                terminalColors: Int = 256) {
        self.families = families
        self.modelsDirectory = modelsDirectory
        self.sessionsDirectory = sessionsDirectory
        self.resources = resources
        self.output = output
        self.config = config
        self.configProblem = configProblem
        self.themeOverride = themeOverride
        self.deviceOverride = deviceOverride
        self.newSession = newSession
        self.sessionName = sessionName
        self.clock = clock
        self.randomSeed = randomSeed
        self.terminalColors = terminalColors
    }
}

/// Random numbers that a test can make repeatable (SplitMix64 from a seed) and that otherwise
/// come from the system.
public struct StudioRandom: RandomNumberGenerator {
    private var state: UInt64?
    private var system = SystemRandomNumberGenerator()

    public init(seed: UInt64?) {
        state = seed
    }

    public mutating func next() -> UInt64 {
        guard var value = state else { return system.next() }
        value &+= 0x9E37_79B9_7F4A_7C15
        state = value
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
