package escape

import "strings"

// CSVField returns s for a CSV field that a spreadsheet will open: Text
// (one line, no controls, so that tab and carriage return cannot start
// the field either), then, when the field starts with "=", "+", "-" or
// "@", a leading single quote, so that no spreadsheet evaluates it as a
// formula (OWASP, CSV Injection:
// https://owasp.org/www-community/attacks/CSV_Injection). encoding/csv
// still quotes the field when it must.
func CSVField(s string) string {
	t := Text(s)
	if t != "" && strings.ContainsRune("=+-@", rune(t[0])) {
		return "'" + t
	}
	return t
}
