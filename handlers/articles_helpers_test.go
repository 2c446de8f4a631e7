package handlers_test

import (
	"testing"

	"guichet/articles"
	"guichet/fixture"
	"guichet/models"
)

// article writes an article of the app's commune, as its accueil agent.
func (a *app) article(t testing.TB, title, body string, public bool, procedures ...int64) *models.Article {
	t.Helper()
	ar, err := articles.Save(t.Context(), a.DB, a.Accueil, 0, articles.Input{Title: title, Body: body, Public: public, ProcedureIDs: procedures}, a.Clock.Now())
	fixture.Must(t, err)
	return ar
}
