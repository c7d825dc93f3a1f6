"""Voice interviews: the Pipecat pipeline, Greenroom's turn-taking, and delivery analysis."""
