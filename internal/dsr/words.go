package dsr

import "strings"

// Join writes a list of vocabulary words with sep between them.
func Join[T ~string](words []T, sep string) string {
	parts := make([]string, len(words))
	for i, w := range words {
		parts[i] = string(w)
	}
	return strings.Join(parts, sep)
}

// JoinOr writes a list of vocabulary words for a message: "a, b or c".
func JoinOr[T ~string](words []T) string {
	if len(words) < 2 {
		return Join(words, "")
	}
	return Join(words[:len(words)-1], ", ") + " or " + string(words[len(words)-1])
}
