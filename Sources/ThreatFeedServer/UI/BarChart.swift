/// An inline SVG bar chart, laid out here and drawn by the `barChart` template: numbers in, rectangles out.
///
/// Each slot (a day, an hour) holds one or more series side by side, or stacked when `stacked`; heights are scaled to
/// the largest value so the tallest bar fills the chart.
struct BarChart: Sendable {
    struct Bar: Sendable {
        let kind: String
        let x: Int
        let y: Int
        let barWidth: Int
        let barHeight: Int
        let tip: String
    }

    struct Tick: Sendable {
        let x: Int
        let y: Int
        let text: String
        /// The CSS class: `tick` for slot names (right-aligned).
        let kind: String
    }

    struct Series: Sendable {
        /// The CSS class of its bars (`add`, `end`, `poll`, `fail`).
        let kind: String
        let name: String
        let values: [Int]
    }

    let width: Int
    let height: Int
    let baseline: Int
    let label: String
    let bars: [Bar]
    let ticks: [Tick]

    /// - Parameters:
    ///   - slotNames: one name per slot, for the tooltips (`2026-12-06`, `14:00`).
    ///   - tickEvery: a slot name under the axis every so many slots.
    init(label: String, slotNames: [String], series: [Series], stacked: Bool = false, tickEvery: Int, width: Int = 720, height: Int = 160) {
        self.label = label
        self.width = width
        self.height = height
        // Room above the bars for the "max" label and below for the slot names, enough for the larger text of a
        // phone's stylesheet (the chart is scaled down there, so its text is drawn larger).
        let top = 26
        let plotHeight = height - 28
        baseline = plotHeight
        let slots = max(1, slotNames.count)
        let slotWidth = width / slots
        let largest = max(1, stacked
            ? (0..<slots).map { slot in series.reduce(0) { $0 + ($1.values.indices.contains(slot) ? max(0, $1.values[slot]) : 0) } }.max() ?? 0
            : series.flatMap(\.values).max() ?? 0)
        var bars: [Bar] = []
        for slot in 0..<slotNames.count {
            var stackTop = plotHeight
            for (index, one) in series.enumerated() {
                let value = one.values.indices.contains(slot) ? max(0, one.values[slot]) : 0
                guard value > 0 else { continue }
                // At least one pixel, so a small non-zero count is visible next to a large one.
                let barHeight = max(1, Int((Double(value) / Double(largest) * Double(plotHeight - top)).rounded()))
                let tip = "\(slotNames[slot]): \(value) \(one.name)"
                if stacked {
                    let barWidth = max(1, slotWidth - 2)
                    stackTop -= barHeight
                    bars.append(Bar(kind: one.kind, x: slot * slotWidth + 1, y: stackTop, barWidth: barWidth, barHeight: barHeight, tip: tip))
                } else {
                    let barWidth = max(1, (slotWidth - 2) / max(1, series.count))
                    bars.append(Bar(
                        kind: one.kind, x: slot * slotWidth + 1 + index * barWidth, y: plotHeight - barHeight, barWidth: barWidth,
                        barHeight: barHeight, tip: tip
                    ))
                }
            }
        }
        self.bars = bars
        let every = max(1, tickEvery)
        // Counted back from the last slot (today, this hour), each name right-aligned under its slot.
        // A name that would run off the left edge is left out (a date is about 100 units wide at the phone's size).
        ticks = stride(from: slotNames.count - 1, through: 0, by: -every).reversed().filter { ($0 + 1) * slotWidth >= 110 }.map {
            Tick(x: ($0 + 1) * slotWidth, y: height - 4, text: slotNames[$0], kind: "tick")
        } + [Tick(x: 2, y: 20, text: "max \(largest)", kind: "")]
    }
}
