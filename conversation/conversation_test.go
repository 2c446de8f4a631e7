package conversation_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"guichet/apperr"
	"guichet/conversation"
	"guichet/fixture"
	"guichet/models"
	"guichet/testdb"
	"guichet/workflow"
)

func TestMain(m *testing.M) { testdb.Main(m) }

func open(t *testing.T, w *fixture.World, email string) *models.Conversation {
	t.Helper()
	cv, link, err := w.App.Conversations.Open(context.Background(), w.Commune, conversation.CitizenOf(&models.Conversation{CommuneID: w.Commune.ID, CitizenEmail: email}),
		conversation.OpenInput{Subject: "Poubelles non ramassées", Email: email, Name: "Camille Martin", Client: "192.0.2.1",
			Message: conversation.MessageInput{Body: "Les poubelles de la rue Haute\nne sont pas ramassées."}})
	fixture.Must(t, err)
	if !strings.Contains(link, "/c/"+w.Commune.Slug+"/messages/") {
		t.Fatalf("link %q", link)
	}
	return cv
}

func reload(t *testing.T, w *fixture.World, cv *models.Conversation) *models.Conversation {
	t.Helper()
	out, err := models.ConversationByID(context.Background(), w.DB, w.Commune.ID, cv.ID)
	fixture.Must(t, err)
	return out
}

func TestStatusFollowsWhoWroteLast(t *testing.T) {
	w := fixture.NewWorld(t, testdb.New(t))
	ctx := context.Background()
	cv := open(t, w, "camille@exemple.fr")
	if cv.Status != models.ConvNew || cv.AssigneeID != nil {
		t.Fatalf("opened: %s %v", cv.Status, cv.AssigneeID)
	}
	agent := workflow.AgentActor(w.Accueil)
	steps := []struct {
		actor    workflow.Actor
		in       conversation.MessageInput
		want     string
		wantVers int
	}{
		{agent, conversation.MessageInput{Body: "Note pour l'équipe", Internal: true}, models.ConvNew, 1},
		{agent, conversation.MessageInput{Body: "Nous transmettons à la voirie."}, models.ConvWaiting, 2},
		{conversation.CitizenOf(cv), conversation.MessageInput{Body: "Merci !"}, models.ConvOpen, 3},
		{agent, conversation.MessageInput{Body: "Appel de l'usager", Channel: models.ChannelPhone}, models.ConvWaiting, 4},
	}
	for i, s := range steps {
		if _, _, err := w.App.Conversations.Post(ctx, w.Commune, s.actor, cv.ID, s.in); err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		got := reload(t, w, cv)
		if got.Status != s.want || got.Version != s.wantVers {
			t.Fatalf("step %d: status %s version %d, want %s %d", i, got.Status, got.Version, s.want, s.wantVers)
		}
	}
	evs, err := models.ConversationHistory(ctx, w.DB, w.Commune.ID, cv.ID)
	fixture.Must(t, err)
	var kinds []string
	for _, e := range evs {
		kinds = append(kinds, e.Kind+"/"+e.Visibility)
	}
	want := "conversation_opened/public conversation_message/public conversation_note/internal conversation_message/public conversation_message/public conversation_message/public"
	if strings.Join(kinds, " ") != want {
		t.Fatalf("history %v, want %s", kinds, want)
	}
}

func TestCitizenMayNotWriteNotes(t *testing.T) {
	w := fixture.NewWorld(t, testdb.New(t))
	cv := open(t, w, "camille@exemple.fr")
	_, _, err := w.App.Conversations.Post(context.Background(), w.Commune, conversation.CitizenOf(cv), cv.ID, conversation.MessageInput{Body: "x", Internal: true})
	if apperr.CodeOf(err) != apperr.Forbidden {
		t.Fatalf("a citizen's note: %v", err)
	}
}

func TestTwoAgentsReplyingAtOnceBothKeptInOrder(t *testing.T) {
	w := fixture.NewWorld(t, testdb.New(t))
	cv := open(t, w, "camille@exemple.fr")
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i, a := range []*models.Agent{w.Accueil, w.Supervisor} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, _, errs[i] = w.App.Conversations.Post(context.Background(), w.Commune, workflow.AgentActor(a), cv.ID, conversation.MessageInput{Body: "Réponse de " + a.Name})
		}()
	}
	wg.Wait()
	fixture.Must(t, errors.Join(errs...))
	thread, err := models.Thread(context.Background(), w.DB, w.Commune.ID, cv.ID, false)
	fixture.Must(t, err)
	if len(thread) != 3 || thread[1].ID > thread[2].ID {
		t.Fatalf("thread: %+v", thread)
	}
	bodies := thread[1].Body + "|" + thread[2].Body
	if !strings.Contains(bodies, w.Accueil.Name) || !strings.Contains(bodies, w.Supervisor.Name) {
		t.Fatalf("both replies kept? %q", bodies)
	}
}

func TestStaleChangeRefused(t *testing.T) {
	w := fixture.NewWorld(t, testdb.New(t))
	ctx := context.Background()
	cv := open(t, w, "camille@exemple.fr")
	m := w.App.Conversations
	if _, err := m.Assign(ctx, workflow.AgentActor(w.Accueil), cv.ID, cv.Version, w.Accueil.ID); err != nil {
		t.Fatal(err)
	}
	// The supervisor's page still shows version 1.
	_, err := m.SetStatus(ctx, workflow.AgentActor(w.Supervisor), cv.ID, cv.Version, models.ConvResolved)
	if e := apperr.As(err); e.Code != apperr.Conflict || !strings.Contains(e.Message, "modifiée entre-temps") {
		t.Fatalf("stale status change: %v", err)
	}
	if got := reload(t, w, cv); got.Status != models.ConvNew {
		t.Fatalf("status changed to %s", got.Status)
	}
}

func TestCitizenReopensWithinDelayThenFollows(t *testing.T) {
	w := fixture.NewWorld(t, testdb.New(t))
	ctx := context.Background()
	m := w.App.Conversations
	cv := open(t, w, "camille@exemple.fr")
	resolve := func(cv *models.Conversation) {
		t.Helper()
		cv = reload(t, w, cv)
		_, err := m.SetStatus(ctx, workflow.AgentActor(w.Accueil), cv.ID, cv.Version, models.ConvResolved)
		fixture.Must(t, err)
	}
	resolve(cv)
	w.Clock.Advance(29 * 24 * time.Hour)
	got, _, err := m.Post(ctx, w.Commune, conversation.CitizenOf(cv), cv.ID, conversation.MessageInput{Body: "Toujours rien."})
	fixture.Must(t, err)
	if got.ID != cv.ID || got.Status != models.ConvOpen || got.ResolvedAt != nil {
		t.Fatalf("within 30 days: conversation %d status %s", got.ID, got.Status)
	}
	resolve(cv)
	w.Clock.Advance(30 * 24 * time.Hour)
	got, _, err = m.Post(ctx, w.Commune, conversation.CitizenOf(cv), cv.ID, conversation.MessageInput{Body: "Encore moi."})
	fixture.Must(t, err)
	if got.ID == cv.ID || got.Follows == nil || *got.Follows != cv.ID || got.Status != models.ConvNew {
		t.Fatalf("after 30 days: %+v", got)
	}
	if old := reload(t, w, cv); old.Status != models.ConvResolved {
		t.Fatalf("the old one was reopened: %s", old.Status)
	}
}

func TestMergeKeepsEveryMessageInOrder(t *testing.T) {
	w := fixture.NewWorld(t, testdb.New(t))
	ctx := context.Background()
	m := w.App.Conversations
	a := open(t, w, "camille@exemple.fr")
	w.Clock.Advance(time.Minute)
	b := open(t, w, "Camille@exemple.fr")
	w.Clock.Advance(time.Minute)
	_, _, err := m.Post(ctx, w.Commune, conversation.CitizenOf(a), a.ID, conversation.MessageInput{Body: "Troisième"})
	fixture.Must(t, err)
	other := open(t, w, "autre@exemple.fr")
	if _, err := m.Merge(ctx, workflow.AgentActor(w.Accueil), b.ID, other.ID); apperr.CodeOf(err) != apperr.Invalid {
		t.Fatalf("merging two citizens' conversations: %v", err)
	}
	into, err := m.Merge(ctx, workflow.AgentActor(w.Accueil), b.ID, a.ID)
	fixture.Must(t, err)
	thread, err := models.Thread(ctx, w.DB, w.Commune.ID, into.ID, false)
	fixture.Must(t, err)
	if len(thread) != 3 || thread[2].Body != "Troisième" || thread[0].CreatedAt.After(thread[1].CreatedAt) {
		t.Fatalf("merged thread: %+v", thread)
	}
	if src := reload(t, w, b); src.MergedInto == nil || *src.MergedInto != a.ID {
		t.Fatalf("source not marked merged: %+v", src)
	}
	if _, _, err := m.Post(ctx, w.Commune, workflow.AgentActor(w.Accueil), b.ID, conversation.MessageInput{Body: "x"}); apperr.CodeOf(err) != apperr.Conflict {
		t.Fatalf("posting in a merged conversation: %v", err)
	}
}

func TestAnotherCommunesAgentReachesNothing(t *testing.T) {
	db := testdb.New(t)
	w, other := fixture.NewWorld(t, db), fixture.NewWorld(t, db)
	ctx := context.Background()
	cv := open(t, w, "camille@exemple.fr")
	m := w.App.Conversations
	stranger := workflow.AgentActor(other.Supervisor)
	if _, err := conversation.ForAgent(ctx, db, other.Supervisor, cv.ID); !errors.Is(err, models.ErrNotFound) {
		t.Fatalf("found: %v", err)
	}
	if _, _, err := m.Post(ctx, other.Commune, stranger, cv.ID, conversation.MessageInput{Body: "x"}); apperr.CodeOf(err) != apperr.NotFound {
		t.Fatalf("post: %v", err)
	}
	if _, err := m.SetStatus(ctx, stranger, cv.ID, 1, models.ConvResolved); apperr.CodeOf(err) != apperr.NotFound {
		t.Fatalf("status: %v", err)
	}
	if err := m.Tag(ctx, stranger, cv.ID, "x", false); apperr.CodeOf(err) != apperr.NotFound {
		t.Fatalf("tag: %v", err)
	}
}
