import Mustache

/// The templates of the pages under `/ui/`, compiled once when the server starts.
///
/// They are Swift string literals rather than resource files so that the `threatfeed` binary stays one file that can
/// be copied anywhere: no resource bundle to install beside it, and a template that does not parse fails the first
/// test that renders it, not a production start. Every value is written with `{{…}}`, which HTML-escapes it; triple
/// mustaches are never used, so nothing from the store or a request can add markup. No inline script or style
/// attribute: the Content-Security-Policy forbids both.
enum AdminTemplates {
    static let head = """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{title}} · ThreatFeed</title>
        <link rel="stylesheet" href="/ui/style.css">
        <link rel="icon" href="data:,">
        </head>
        <body>
        <header>
          <a href="/ui/"><b>ThreatFeed</b></a>
          {{#chrome}}
          <nav><a href="/ui/">Overview</a><a href="/ui/etd">ETD</a></nav>
          <span class="who">{{userName}}</span>
          <form class="inline" method="post" action="/ui/logout"><input type="hidden" name="csrf" value="{{formToken}}"><button type="submit">Log out</button></form>
          {{/chrome}}
        </header>
        <main>

        """

    static let foot = """
        </main>
        </body>
        </html>

        """

    static let barChart = """
        <svg class="chart" viewBox="0 0 {{width}} {{height}}" role="img" aria-label="{{label}}">
        <line class="axis" x1="0" y1="{{baseline}}" x2="{{width}}" y2="{{baseline}}"></line>
        {{#bars}}<rect class="{{kind}}" x="{{x}}" y="{{y}}" width="{{barWidth}}" height="{{barHeight}}"><title>{{tip}}</title></rect>
        {{/bars}}
        {{#ticks}}<text class="{{kind}}" x="{{x}}" y="{{y}}">{{text}}</text>
        {{/ticks}}
        </svg>
        """

    static let login = """
        {{> head}}
        <section class="card login">
        <h1>Administrator login</h1>
        {{#message}}<p class="error">{{message}}</p>{{/message}}
        <form method="post" action="/ui/login">
          <input type="hidden" name="csrf" value="{{csrf}}">
          <label for="username">User name</label>
          <input type="text" id="username" name="username" autocomplete="username" required value="{{username}}">
          <label for="password">Password</label>
          <input type="password" id="password" name="password" autocomplete="current-password" required>
          <p><button type="submit">Log in</button></p>
        </form>
        <p class="muted">An administrator is a user with the admin role: <code>threatfeed user add NAME --admin</code> or <code>threatfeed user allow NAME admin</code>.</p>
        </section>
        {{> foot}}
        """

    static let overview = """
        {{> head}}
        <h1>Overview</h1>
        <p class="muted">As of {{generated}}.</p>
        <h2>Feeds</h2>
        {{^feeds}}<section class="card"><p>No feeds yet: <code>threatfeed feed create NAME --indicator NAME</code>.</p></section>{{/feeds}}
        {{#feeds}}
        <section class="card feed" id="feed-{{feedName}}">
          <h2><a href="{{href}}">{{feedName}}</a> {{#problem}}<span class="mark">attention</span>{{/problem}}</h2>
          <div class="figures">
            <div class="figure"><b class="live-count">{{liveObservables}}</b>live observables</div>
            <div class="figure"><b>{{judgements}}</b>judgements</div>
            <div class="figure"><b>{{newestLabel}}</b>newest label</div>
          </div>
          <div class="scroll">
          <table class="clients">
            <tr><th>Client</th><th>Kind</th><th>Last poll</th><th>Last status</th><th class="num">Polls</th><th>Usual interval</th><th></th></tr>
            {{#clients}}
            <tr class="{{#flagged}}problem{{/flagged}}"><td class="value">{{client}}</td><td>{{kind}}</td><td class="time">{{lastPoll}}<br><span class="muted">{{lastPollAgo}}</span></td>
              <td>{{outcome}}</td><td class="num">{{polls}}</td><td>{{interval}}</td>
              <td>{{#flags}}<span class="mark">{{.}}</span> {{/flags}}</td></tr>
            {{/clients}}
            {{^clients}}<tr><td colspan="7" class="muted">No client has polled this feed yet.</td></tr>{{/clients}}
          </table>
          </div>
        </section>
        {{/feeds}}
        <h2>ETD poller</h2>
        <section class="card etd">
          {{#etd}}
          <dl class="facts">
            <dt>Polling</dt><dd>{{state}} {{#failing}}<span class="mark">failing</span>{{/failing}}</dd>
            <dt>Last success</dt><dd>{{lastSuccess}}</dd>
            <dt>Lag</dt><dd>{{lag}}</dd>
            <dt>Failures in a row</dt><dd class="{{#failing}}bad{{/failing}}">{{failures}}</dd>
            <dt>Last error</dt><dd>{{lastError}}</dd>
            <dt>Convictions seen</dt><dd>{{convictions}}</dd>
          </dl>
          {{/etd}}
          <p><a href="/ui/etd">Convictions, held-back values and the remediation queue</a></p>
        </section>
        <h2>Actions</h2>
        <section class="card">
        <div class="scroll">
        <table class="actions">
          <tr><th>Action</th><th>State</th><th>Counts</th><th>Last error</th></tr>
          {{#actions}}
          <tr class="{{#hasError}}problem{{/hasError}}"><td>{{actionName}}</td><td>{{mode}}</td>
            <td>{{#counts}}<span class="count">{{countName}} <b>{{count}}</b></span> {{/counts}}</td>
            <td>{{lastError}}</td></tr>
          {{/actions}}
        </table>
        </div>
        </section>
        {{> foot}}
        """

    static let feed = """
        {{> head}}
        <h1>Feed {{feedName}}</h1>
        <section class="card">
          <div class="figures">
            <div class="figure"><b class="live-count">{{liveObservables}}</b>live observables</div>
            <div class="figure"><b>{{judgements}}</b>judgements</div>
            <div class="figure"><b>{{newestLabel}}</b>newest label</div>
          </div>
          <h2>Observables by type</h2>
          <table class="types">
            <tr><th>Type</th><th class="num">Live</th></tr>
            {{#types}}<tr><td>{{type}}</td><td class="num">{{count}}</td></tr>{{/types}}
            {{^types}}<tr><td colspan="2" class="muted">Nothing live.</td></tr>{{/types}}
          </table>
        </section>
        <section class="card">
          <h2>Added and ended per day, last 30 days</h2>
          <p class="legend"><span><i class="swatch add"></i>added {{added30}}</span><span><i class="swatch end"></i>ended {{ended30}}</span></p>
          {{#activity}}{{> barChart}}{{/activity}}
        </section>
        <section class="card">
          <h2>Polls per client and hour, last 24 hours</h2>
          {{#pollCharts}}
          <h3 class="value">{{client}}</h3>
          <p class="legend"><span><i class="swatch add"></i>polls {{total}}</span><span><i class="swatch fail"></i>failed {{failed}}</span></p>
          {{#chart}}{{> barChart}}{{/chart}}
          {{/pollCharts}}
          {{^pollCharts}}<p class="muted">No polls in the last 24 hours.</p>{{/pollCharts}}
        </section>
        <section class="card">
          <h2>Search</h2>
          <form method="get" action="{{href}}">
            <input type="search" name="q" value="{{query}}" placeholder="domain, URL, IP, hash, e-mail address" maxlength="2048">
            <button type="submit">Look up</button>
          </form>
          {{#searchError}}<p class="error">{{searchError}}</p>{{/searchError}}
          {{#searched}}
          <div class="scroll">
          <table class="search">
            <tr><th>Observable</th><th>In this feed</th><th>Disposition</th><th>Source</th><th>Reason</th><th>Valid</th></tr>
            {{#results}}<tr><td class="value">{{observable}}</td><td>{{inFeed}}</td><td>{{disposition}}</td><td>{{source}}</td><td>{{reason}}</td><td>{{valid}}</td></tr>{{/results}}
            {{^results}}<tr><td colspan="6" class="muted">Nothing known about it.</td></tr>{{/results}}
          </table>
          </div>
          {{/searched}}
        </section>
        <section class="card">
          <h2>Newest judgements</h2>
          <div class="scroll">
          <table class="judgements">
            <tr><th>Label</th><th>Type</th><th>Value</th><th>Disposition</th><th>Reason</th><th>Source</th><th>Valid until</th></tr>
            {{#newest}}<tr class="{{^live}}muted{{/live}}"><td class="time">{{label}}</td><td>{{type}}</td><td class="value">{{value}}</td><td>{{disposition}}</td><td>{{reason}}</td><td>{{source}}</td><td>{{validUntil}}</td></tr>{{/newest}}
            {{^newest}}<tr><td colspan="7" class="muted">No judgements yet.</td></tr>{{/newest}}
          </table>
          </div>
        </section>
        <section class="card">
          <h2>Gateway settings</h2>
          <dl class="facts">
            {{#settings}}<dt>{{settingName}}</dt><dd>{{settingValue}}</dd>{{/settings}}
          </dl>
          {{#revealedSecret}}<p>Feed secret (shown once, and this was logged): <span class="secret">{{revealedSecret}}</span></p>{{/revealedSecret}}
          {{^revealedSecret}}
          <form method="post" action="{{href}}/reveal"><input type="hidden" name="csrf" value="{{formToken}}">
            <button type="submit">Reveal the feed secret</button> <span class="muted">(the secret is the Collection Name and the <code>s=</code> of the feed URL; revealing it is logged)</span></form>
          {{/revealedSecret}}
        </section>
        {{> foot}}
        """

    static let etd = """
        {{> head}}
        <h1>ETD</h1>
        <section class="card">
          <h2>Convictions per day and verdict, last 30 days</h2>
          <p class="legend">{{#verdicts}}<span><i class="swatch {{kind}}"></i>{{verdict}} {{total}}</span>{{/verdicts}}</p>
          {{#convictions}}{{> barChart}}{{/convictions}}
        </section>
        <section class="card">
          <h2>Held back by reason</h2>
          <table class="held-reasons">
            <tr><th>Reason</th><th class="num">Values</th></tr>
            {{#heldReasons}}<tr><td>{{reason}}</td><td class="num">{{count}}</td></tr>{{/heldReasons}}
          </table>
          <h2>Newest held-back values</h2>
          <div class="scroll">
          <table class="held">
            <tr><th>Decided</th><th>Value</th><th>Reason</th><th>Message</th></tr>
            {{#held}}<tr><td class="time">{{decided}}</td><td class="value">{{value}}</td><td>{{reason}}</td><td>{{message}}</td></tr>{{/held}}
            {{^held}}<tr><td colspan="4" class="muted">Nothing held back.</td></tr>{{/held}}
          </table>
          </div>
        </section>
        <section class="card">
          <h2>Remediation queue</h2>
          <p class="muted">Failed and unconfirmed first, then the newest; at most {{queueLimit}} rows.</p>
          <div class="scroll">
          <table class="remediation">
            <tr><th>State</th><th>Action</th><th>Message</th><th class="num">Attempts</th><th>Updated</th><th>Answer</th></tr>
            {{#queue}}<tr class="{{#problem}}problem{{/problem}}"><td>{{state}}</td><td>{{action}}</td><td>{{message}}</td><td class="num">{{attempts}}</td><td class="time">{{updated}}</td><td>{{answer}}</td></tr>{{/queue}}
            {{^queue}}<tr><td colspan="6" class="muted">The queue is empty.</td></tr>{{/queue}}
          </table>
          </div>
        </section>
        {{> foot}}
        """

    static let notFound = """
        {{> head}}
        <section class="card"><h1>{{title}}</h1><p>{{message}}</p><p><a href="/ui/">Back to the overview</a></p></section>
        {{> foot}}
        """

    /// Compiles every template; a template that does not parse is a programming error caught by the rendering tests.
    static func library() throws -> MustacheLibrary {
        var library = MustacheLibrary()
        for (name, text) in [
            ("head", head), ("foot", foot), ("barChart", barChart), ("login", login), ("overview", overview), ("feed", feed), ("etd", etd),
            ("message", notFound),
        ] {
            try library.register(text, named: name)
        }
        return library
    }

    /// The compiled templates, ready to render a page model.
    struct Renderer: Sendable {
        let library: MustacheLibrary

        init() throws { library = try AdminTemplates.library() }

        /// Nil only for a template name that does not exist.
        func html(_ page: Any, template: String) -> String? { library.render(page, withTemplate: template) }
    }
}
