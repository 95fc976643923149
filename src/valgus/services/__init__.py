"""The use cases, one typed function each: what a person can do with valgus.

The command line, the web app and batch jobs call these and only render what they return;
no measure, verdict or rule is computed in a door. Each module covers one kind of work:

- analyses:     analyze a recording, save its files, store it in a person's history
- answers:      read self-test and red-flag answers (files, flags), validate them
- assessments:  red-flag screen, then the drivers, from analyses and answers
- safety:       the one gate every path to a program or a dose passes
- programs:     the corrective program from an assessment
- workouts:     log a workout, say the next dose
- people:       people in the history: add, list, note, attach, export, import
- history:      a person's measures over time, progress per leg, adherence
- reports:      pictures and the HTML/PDF report of an analysis
- comparisons:  did valgus change between two analyses
- documents:    read the JSON files valgus writes, with a clear word when it is not one
"""
