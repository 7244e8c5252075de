package sqlitedb

import "strings"

// QuoteIdent quotes an SQL identifier (a table or column name), for SQL
// built from a schema: values go in as ? parameters instead.
func QuoteIdent(name string) string { return `"` + strings.ReplaceAll(name, `"`, `""`) + `"` }

// QuoteText quotes a string as an SQL text literal, for SQL that must hold
// a value in its text, such as a trigger's body.
func QuoteText(s string) string { return `'` + strings.ReplaceAll(s, `'`, `''`) + `'` }
