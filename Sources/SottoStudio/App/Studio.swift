import Dispatch
import Foundation
import Glibc
import SottoAudio
import SottoCore
import Synchronization

/// How `sotto` (with no command) starts the studio.
public struct StudioOptions: Sendable {
    public var families: ModelFamilies
    /// `--models-dir`, if given.
    public var modelsDirectory: String?
    /// `--theme`, if given.
    public var theme: String?
    /// `--device`, if given.
    public var device: String?
    /// `--new-session`.
    public var newSession: Bool
    /// `--session NAME|PATH`.
    public var session: String?

    public init(families: ModelFamilies, modelsDirectory: String? = nil, theme: String? = nil, device: String? = nil,
                newSession: Bool = false, session: String? = nil) {
        self.families = families
        self.modelsDirectory = modelsDirectory
        self.theme = theme
        self.device = device
        self.newSession = newSession
        self.session = session
    }
}

/// The studio's entry point and main loop: one thread owns the terminal, reads keys with a short
/// timeout and redraws about 30 times a second while anything moves (5 when idle), so the
/// screen never freezes while the engine lane and the player work elsewhere.
public enum Studio {
    public static func run(_ options: StudioOptions) throws {
        let paths = SottoPaths()
        let resources = StudioResources.locate(paths: paths)
        var config = StudioConfig()
        var configProblem: String?
        do {
            config = try StudioConfig.load(from: resources.configFile)
        } catch {
            configProblem = "settings ignored: \(SottoError.describe(error))"
        }
        let device = options.device ?? config.device ?? "default"

        let terminal = try CursesTerminal()
        defer { terminal.close() }
        let environment = StudioEnvironment(
            families: options.families, modelsDirectory: paths.modelsDirectory(override: options.modelsDirectory),
            sessionsDirectory: paths.sessionsDirectory, resources: resources,
            output: AlsaOutput(device: .named(device)), config: config, configProblem: configProblem,
            themeOverride: options.theme, deviceOverride: options.device, newSession: options.newSession,
            sessionName: options.session, terminalColors: terminal.colorCount)
        let studio = try StudioModel(environment: environment)
        let view = StudioView(glyphs: terminal.isUTF8 ? .unicode : .ascii)
        let stop = TerminationRequest()
        var appliedTheme: Theme?

        while !studio.shouldQuit && !stop.isRequested {
            studio.tick()
            if let text = studio.takeClipboardRequest() { terminal.copyToClipboard(text) }
            if appliedTheme != studio.theme {
                terminal.apply(studio.theme)
                appliedTheme = studio.theme
            }
            terminal.beginFrame()
            view.draw(studio, on: terminal)
            terminal.endFrame()
            guard let key = terminal.readKey(milliseconds: studio.isBusy ? 33 : 200) else { continue }
            studio.handle(key)
            // Take everything already typed (or pasted) before drawing again.
            var burst = 0
            while burst < 512, !studio.shouldQuit, let next = terminal.readKey(milliseconds: 0) {
                studio.handle(next)
                burst += 1
            }
        }
        // Say so at once: finishing a take cut short can take a moment.
        studio.tick()
        studio.sayQuitting()
        terminal.beginFrame()
        view.draw(studio, on: terminal)
        terminal.endFrame()
        studio.shutdown()
    }
}

/// SIGTERM, SIGHUP and SIGINT (from outside: Ctrl-C itself is a key in the studio) end the studio
/// cleanly, so the session is saved and the terminal restored.
final class TerminationRequest: @unchecked Sendable {
    private final class Flag: Sendable {
        let raised = Atomic(false)
    }

    private let flag = Flag()
    private let sources: [any DispatchSourceSignal]

    init() {
        let flag = self.flag
        sources = [SIGTERM, SIGHUP, SIGINT].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { flag.raised.store(true, ordering: .relaxed) }
            source.resume()
            return source
        }
    }

    var isRequested: Bool { flag.raised.load(ordering: .relaxed) }
}
