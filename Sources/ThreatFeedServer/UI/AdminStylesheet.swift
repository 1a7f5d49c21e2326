/// The one stylesheet of the pages under `/ui/`, served at `/ui/style.css` (the Content-Security-Policy allows styles
/// from this server only, never inline ones). Fluid: tables scroll sideways inside their box on a phone.
enum AdminStylesheet {
    static let css = """
        :root { --fg: #1b1f24; --muted: #5b6570; --line: #d5dae0; --bg: #f6f7f9; --card: #fff; --red: #b42318; --ok: #1a7f37;
          --add: #2f6fb3; --end: #c47f17; }
        * { box-sizing: border-box; }
        body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
        header { display: flex; flex-wrap: wrap; gap: .5rem 1.5rem; align-items: center; padding: .6rem 1rem; background: #14324f; color: #fff; }
        header a { color: #fff; text-decoration: none; }
        header nav { display: flex; gap: 1rem; flex: 1; white-space: nowrap; }
        @media (max-width: 600px) { header nav { order: 3; flex-basis: 100%; } header .who { margin-left: auto; } }
        header form { margin: 0; }
        header .who { color: #c9d6e3; font-size: .9em; }
        main { max-width: 72rem; margin: 0 auto; padding: 1rem; }
        h1 { font-size: 1.4rem; margin: .2rem 0 1rem; }
        h2 { font-size: 1.1rem; margin: 1.5rem 0 .5rem; }
        section.card > h2:first-child { margin-top: 0; }
        h3 { font-size: 1rem; margin: .8rem 0 .2rem; }
        td.time { white-space: nowrap; }
        section.card { background: var(--card); border: 1px solid var(--line); border-radius: 6px; padding: .8rem 1rem; margin-bottom: 1rem; }
        .scroll { overflow-x: auto; }
        table { border-collapse: collapse; width: 100%; font-size: .92em; }
        th, td { text-align: left; padding: .3rem .5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
        th { color: var(--muted); font-weight: 600; white-space: nowrap; }
        td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
        td.value { overflow-wrap: anywhere; min-width: 14ch; font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: .9em; }
        .muted { color: var(--muted); }
        .bad { color: var(--red); font-weight: 600; }
        .good { color: var(--ok); }
        .mark { display: inline-block; padding: 0 .4rem; border-radius: 3px; background: var(--red); color: #fff; font-size: .8em; font-weight: 600; }
        tr.problem td { background: #fdecea; }
        dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; margin: 0; }
        dl.facts dt { color: var(--muted); }
        dl.facts dd { margin: 0; overflow-wrap: anywhere; }
        .figures { display: flex; flex-wrap: wrap; gap: .5rem 2rem; }
        .figure b { display: block; font-size: 1.4rem; }
        svg.chart { width: 100%; height: auto; max-height: 14rem; display: block; }
        svg .add { fill: var(--add); }
        svg .end { fill: var(--end); }
        svg .poll { fill: var(--add); }
        svg .fail { fill: var(--red); }
        svg .axis { stroke: var(--line); }
        svg .v0, .swatch.v0 { fill: #2f6fb3; background: #2f6fb3; } svg .v1, .swatch.v1 { fill: #c47f17; background: #c47f17; }
        svg .v2, .swatch.v2 { fill: #b42318; background: #b42318; } svg .v3, .swatch.v3 { fill: #6941c6; background: #6941c6; }
        svg .v4, .swatch.v4 { fill: #1a7f37; background: #1a7f37; } svg .v5, .swatch.v5 { fill: #5b6570; background: #5b6570; }
        svg text { font-size: 10px; fill: var(--muted); }
        svg text.tick { text-anchor: end; }
        @media (max-width: 600px) { svg text { font-size: 20px; } }
        .legend span { margin-right: 1rem; font-size: .85em; white-space: nowrap; display: inline-block; }
        .swatch { display: inline-block; width: .8em; height: .8em; margin-right: .3em; vertical-align: -.05em; }
        .swatch.add { background: var(--add); } .swatch.end { background: var(--end); } .swatch.fail { background: var(--red); }
        form.inline { display: inline; }
        input[type=text], input[type=password], input[type=search] { font: inherit; padding: .35rem .5rem; border: 1px solid var(--line); border-radius: 4px; width: 100%; max-width: 24rem; }
        button { font: inherit; padding: .35rem .8rem; border: 1px solid #14324f; background: #14324f; color: #fff; border-radius: 4px; cursor: pointer; }
        header button { background: transparent; border-color: #c9d6e3; }
        .login { max-width: 22rem; margin: 3rem auto; }
        .login label { display: block; margin: .6rem 0 .2rem; }
        .error { color: var(--red); }
        .secret { font-family: ui-monospace, monospace; background: #fff7e0; padding: .1rem .3rem; }
        """
}
