package models_test

import (
	"testing"

	"guichet/models"
)

// Suggestions take any word, whole but the one being typed; a search
// takes every word as a beginning.
func TestArticleQuery(t *testing.T) {
	words := []string{"quand", "passe", "pou"}
	if got := models.ArticleQuery(words, true); got != "'quand' | 'passe' | 'pou':*" {
		t.Errorf("suggestions: %s", got)
	}
	if got := models.ArticleQuery(words[:1], true); got != "'quand':*" {
		t.Errorf("one word being typed: %s", got)
	}
	if got := models.ArticleQuery(words, false); got != "'quand':* & 'passe':* & 'pou':*" {
		t.Errorf("search: %s", got)
	}
}
