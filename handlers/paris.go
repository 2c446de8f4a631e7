package handlers

import "time"

var paris, _ = time.LoadLocation("Europe/Paris")
