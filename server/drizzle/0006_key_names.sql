-- Key names as producers read them (Db Eb Ab Bb majors, Eb Bb minors): rename the sharp
-- spellings that releases before December 2026 stored, in the library and in job entries.
UPDATE "audio_files" SET "key" = r."new"
  FROM (VALUES ('C# major', 'Db major'), ('D# major', 'Eb major'), ('G# major', 'Ab major'),
               ('A# major', 'Bb major'), ('D# minor', 'Eb minor'), ('A# minor', 'Bb minor'))
    AS r("old", "new")
  WHERE "audio_files"."key" = r."old";--> statement-breakpoint
UPDATE "import_entries" SET "analysis" = jsonb_set("analysis", '{key}', to_jsonb(r."new"))
  FROM (VALUES ('C# major', 'Db major'), ('D# major', 'Eb major'), ('G# major', 'Ab major'),
               ('A# major', 'Bb major'), ('D# minor', 'Eb minor'), ('A# minor', 'Bb minor'))
    AS r("old", "new")
  WHERE "import_entries"."analysis" ->> 'key' = r."old";
