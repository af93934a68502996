/// A highlighted row in a scrolling list, and the first row shown. Rows that cannot be
/// selected (headings) are skipped.
public struct ListCursor: Equatable, Sendable {
    public private(set) var index = 0
    public private(set) var top = 0

    public init() {}

    /// Moves by `delta` rows among `count`, skipping rows `isSelectable` rejects.
    public mutating func move(by delta: Int, count: Int, isSelectable: (Int) -> Bool = { _ in true }) {
        guard count > 0 else { index = 0; top = 0; return }
        var target = min(max(index + delta, 0), count - 1)
        let step = delta >= 0 ? 1 : -1
        while !isSelectable(target) {
            let next = target + step
            guard next >= 0, next < count else {
                // Nothing selectable that way: search back the other way from the target.
                target = nearestSelectable(to: target, count: count, isSelectable) ?? index
                break
            }
            target = next
        }
        index = target
    }

    public mutating func set(_ newIndex: Int, count: Int, isSelectable: (Int) -> Bool = { _ in true }) {
        guard count > 0 else { index = 0; top = 0; return }
        index = nearestSelectable(to: min(max(newIndex, 0), count - 1), count: count, isSelectable) ?? 0
    }

    /// Keeps the index inside a list that changed length, and on a selectable row.
    public mutating func clamp(count: Int, isSelectable: (Int) -> Bool = { _ in true }) {
        set(index, count: count, isSelectable: isSelectable)
    }

    /// Scrolls so the highlighted row is among `visibleRows` rows shown.
    public mutating func scroll(visibleRows: Int, count: Int) {
        guard visibleRows > 0 else { return }
        if index < top { top = index }
        if index >= top + visibleRows { top = index - visibleRows + 1 }
        top = max(0, min(top, max(0, count - visibleRows)))
    }

    private func nearestSelectable(to target: Int, count: Int, _ isSelectable: (Int) -> Bool) -> Int? {
        for distance in 0..<count {
            if target + distance < count, isSelectable(target + distance) { return target + distance }
            if target - distance >= 0, isSelectable(target - distance) { return target - distance }
        }
        return nil
    }
}
