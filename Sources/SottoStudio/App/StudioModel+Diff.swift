import Foundation

extension StudioModel {
    /// `:diff [T [T]]`, `d`: two takes' settings side by side. With no take named, A against B
    /// (or the selected take against A); with one, it against the selected take.
    public func showDiff(_ references: [String]) {
        guard references.count <= 2 else {
            error(":diff compares two takes: :diff [N|A|B] [N|A|B]")
            return
        }
        var ids: [Int] = []
        for reference in references {
            guard let id = resolveTake(reference) else { return }
            ids.append(id)
        }
        if ids.isEmpty, let a = markA, let b = markB {
            ids = [a, b]
        } else if ids.isEmpty, let a = markA ?? markB {
            ids = [a]
        }
        if ids.count == 1 {
            guard let selected = selectedTake?.id, selected != ids[0] else {
                error("select another take to compare with #\(ids[0]), or name both: :diff N M")
                return
            }
            ids.append(selected)
        }
        guard ids.count == 2 else {
            error("mark two takes A and B (a, b) to compare them, or name them: :diff N M")
            return
        }
        guard let first = take(ids[0]), let second = take(ids[1]) else {
            error("take #\(take(ids[0]) == nil ? ids[0] : ids[1]) is still being made; compare it when it is done")
            return
        }
        guard first.id != second.id else {
            error("that is take #\(first.id) twice: name two different takes")
            return
        }
        let differing = TakeSettingsDiff(first, second).differingNames
        openOverlay(.diff(first.id, second.id))
        info("#\(first.id) and #\(second.id) differ in " + (differing.isEmpty ? "nothing" : differing.joined(separator: ", ")))
    }
}
