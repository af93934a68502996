import CEspeakNG
