package web

import (
	"fmt"
	"time"

	"guichet/conversation"
	"guichet/files"
	"guichet/models"
	"guichet/views"
	"guichet/workflow"
)

// Thread presents a conversation's messages for a page. forCitizen words
// the authors for the citizen ("Vous", "La mairie") and drops any internal
// message, whatever it was given; seen is when the reader last read the
// thread (nil: never), the other side's later messages are marked new;
// fileURL is where each file is downloaded from.
func Thread(ms []models.Message, forCitizen bool, seen *time.Time, fileURL func(models.ConversationFile) string) []views.ThreadMessage {
	out := make([]views.ThreadMessage, 0, len(ms))
	for _, m := range ms {
		if forCitizen && m.Internal {
			continue
		}
		fromCitizen := m.AuthorKind == workflow.KindCitizen
		tm := views.ThreadMessage{ID: m.ID, Internal: m.Internal, FromCitizen: fromCitizen, At: m.CreatedAt, Body: m.Body, Folded: m.Folded,
			New: fromCitizen != forCitizen && (seen == nil || m.CreatedAt.After(*seen))}
		if m.Channel != models.ChannelWeb {
			tm.Channel = conversation.ChannelLabel(m.Channel)
		}
		switch {
		case forCitizen && fromCitizen:
			tm.Author = "Vous"
		case forCitizen && m.AuthorKind == workflow.KindService:
			tm.Author = "Service " + m.AuthorName
		case forCitizen:
			tm.Author = "La mairie"
		case fromCitizen:
			tm.Author = "Usager : " + m.AuthorName
		case m.AuthorKind == workflow.KindService:
			tm.Author = "Service " + m.AuthorName
		default:
			tm.Author = m.AuthorName
		}
		for _, f := range m.Files {
			k, _ := files.KindOf(f.ContentType)
			tm.Files = append(tm.Files, views.FileItem{ID: f.ID, Name: f.Filename, Size: f.Size, Type: k.Label, URL: fileURL(f)})
		}
		out = append(out, tm)
	}
	return out
}

// Composer is a message form posting to action.
func (s *Base) Composer(action string) views.MessageComposer {
	return views.MessageComposer{Action: action, Accepted: files.AcceptedLabels(), Extensions: files.Extensions, MaxFileSize: LimitSize(s.Config.MaxFileSize)}
}

// FileURL is the download address of a conversation's file under base.
func FileURL(base string) func(models.ConversationFile) string {
	return func(f models.ConversationFile) string { return fmt.Sprintf("%s/pieces/%d", base, f.ID) }
}
