-- 007: the last household number given out in each village, so that the next one is one
-- step instead of a search through the village's numbers (which became a probe per number
-- once a village passed 9,999 households). Numbers typed by users do not move it; a number
-- already taken is skipped when given out (see next_number in src/domain/household.c).
CREATE TABLE household_numbers (
	village TEXT PRIMARY KEY,
	last    INTEGER NOT NULL
);

-- Existing households: the highest number of the usual form (village code and digits).
INSERT INTO household_numbers (village, last)
	SELECT origin_village, max(CAST(substr(number, 13) AS INTEGER))
	FROM households
	WHERE length(number) >= 16 AND substr(number, 1, 12) = origin_village
	  AND substr(number, 13) NOT GLOB '*[^0-9]*'
	GROUP BY origin_village;
