package web

import "time"

var Paris, _ = time.LoadLocation("Europe/Paris")
