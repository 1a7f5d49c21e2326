/// Text for the HTML part: neutralised as `MailText` does, then with the five characters that
/// mean something in HTML (`& < > " '`) written as entities, so a subject like
/// `<img src=x onerror=…>` is shown, not run.
enum HTMLEscaping {
    static func escape(_ text: String) -> String {
        var output = ""
        for character in MailText.singleLine(text) {
            switch character {
            case "&": output += "&amp;"
            case "<": output += "&lt;"
            case ">": output += "&gt;"
            case "\"": output += "&quot;"
            case "'": output += "&#39;"
            default: output.append(character)
            }
        }
        return output
    }
}
