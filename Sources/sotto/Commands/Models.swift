import ArgumentParser
import Foundation
import SottoCore

struct Models: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the models found in the models directory, and whether each is complete.")

    @OptionGroup var location: ModelDirectoryOptions

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    @Flag(help: "Also recompute the SHA-256 of files that have a recorded digest (slower).")
    var verify = false

    struct Listing: Encodable {
        var id, name, kind: String
        var variant: String?
        var path: String
        var sizeBytes: Int
        var voices: Int
        var complete: Bool
        var problems: [String]
        var files: [FileListing]
        enum CodingKeys: String, CodingKey {
            case id, name, kind, variant, path, voices, complete, problems, files
            case sizeBytes = "size_bytes"
        }
    }

    struct FileListing: Encodable {
        var role, path, status: String
        var sizeBytes: Int
        enum CodingKeys: String, CodingKey {
            case role, path, status
            case sizeBytes = "size_bytes"
        }
    }

    func run() throws {
        try runReportingErrors {
            if let problem = ModelCatalog.problem(with: location.directory) { throw problem }
            let catalog = location.catalog()
            let listings = catalog.models.map { model -> Listing in
                var problems = model.problems
                if verify { problems += ModelCatalog.verifyDigests(of: model) }
                return Listing(
                    id: model.id, name: model.name, kind: model.kind.rawValue, variant: model.variant,
                    path: model.url.path, sizeBytes: model.sizeBytes, voices: model.voices.count,
                    complete: problems.isEmpty, problems: problems,
                    files: model.files.map { file in
                        FileListing(role: file.role, path: file.url.path, status: file.statusText, sizeBytes: file.size)
                    })
            }
            if json {
                print(try Format.json(listings))
                return
            }
            guard !listings.isEmpty else {
                print("No models in \(catalog.directory.path).")
                print("Run Scripts/setup to fetch the bundled ones, or place model files there.")
                return
            }
            var rows = [["MODEL", "KIND", "VARIANT", "SIZE", "VOICES", "STATUS", "PATH"]]
            for item in listings {
                rows.append([item.id, item.kind, item.variant ?? "-", Format.bytes(item.sizeBytes), String(item.voices),
                             item.complete ? "ok" : "incomplete", item.path])
            }
            print(Format.table(rows))
            for (item, model) in zip(listings, catalog.models) where !item.complete {
                for problem in item.problems { print("\(item.id): \(problem)") }
                print("\(item.id): \(model.repairHint)")
            }
        }
    }
}
