package io.promptcache.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The command line as a new user meets it, through the whole {@code promptcache} tree: every command answers
 * --version and shows its defaults, a command lists only the options it uses, and bad input is one line in the
 * user's words that names the whole command, the file and the line, never a Java class.
 */
class CommandLineTest {

    record Run(int code, String out, String err) {
    }

    static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        CommandLine cl = PromptCacheCli.commandLine(new PromptCacheCli(), new PrintStream(err, true, StandardCharsets.UTF_8));
        cl.setOut(new java.io.PrintWriter(new java.io.OutputStreamWriter(out, StandardCharsets.UTF_8), true));
        int code = cl.execute(args);
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static List<CommandLine> everyCommand(CommandLine cl) {
        List<CommandLine> all = new ArrayList<>(List.of(cl));
        cl.getSubcommands().values().forEach(sub -> all.addAll(everyCommand(sub)));
        return all;
    }

    static List<String> path(CommandLine cl) {
        List<String> names = new ArrayList<>();
        for (CommandLine c = cl; c.getParent() != null; c = c.getParent()) {
            names.add(0, c.getCommandName());
        }
        return names;
    }

    @Test
    void everyCommandAnswersVersionAndEveryOptionShowsItsDefault() {
        CommandLine tree = PromptCacheCli.commandLine(new PromptCacheCli(), System.err);
        List<CommandLine> commands = everyCommand(tree);
        assertTrue(commands.size() > 15, "the whole tree: " + commands.size());
        for (CommandLine c : commands) {
            List<String> args = new ArrayList<>(path(c));
            args.add("--version");
            Run version = run(args.toArray(String[]::new));
            assertEquals(0, version.code(), args.toString());
            assertTrue(version.out().startsWith("promptcache "), args + " printed: '" + version.out() + "'");

            CommandSpec spec = c.getCommandSpec();
            for (OptionSpec o : spec.options()) {
                String shown = o.defaultValueString();
                if (o.arity().max() == 0 || o.required() || shown == null || shown.equals("null")) {
                    continue;
                }
                String help = String.join(" ", o.description());
                assertTrue(help.contains("default"), spec.qualifiedName() + " " + o.longestName() + " hides its default: " + help);
                assertFalse(help.contains("${DEFAULT-VALUE}"), help);
            }
        }
        String storeHelp = run("bench", "store", "--help").out();
        assertTrue(storeHelp.contains("(default: 1,4,16)"), storeHelp);
        assertTrue(storeHelp.contains("(default: 5)"), storeHelp);
    }

    @Test
    void commandsThatOnlyReadOrRemoveDoNotOfferTheRunningCachesOptions() {
        CommandLine tree = PromptCacheCli.commandLine(new PromptCacheCli(), System.err);
        for (String name : List.of("stats", "entries", "clear", "calibration")) {
            Set<String> options = tree.getSubcommands().get(name).getCommandSpec().optionsMap().keySet();
            assertTrue(options.contains("--store") && options.contains("--key-prefix"), name + ": " + options);
            assertFalse(options.contains("--ttl") || options.contains("--max-entries"), name + " lists options it ignores: " + options);
        }
        Set<String> chat = tree.getSubcommands().get("chat").getCommandSpec().optionsMap().keySet();
        assertTrue(chat.containsAll(List.of("--store", "--key-prefix", "--ttl", "--max-entries")), chat.toString());
    }

    @Test
    void badFilesAreSaidInTheUsersWordsWithTheWholeCommandThePathAndTheLine(@TempDir Path dir) throws Exception {
        Path missing = dir.resolve("missing.tsv");
        Path notUtf8 = dir.resolve("latin1.tsv");
        Files.write(notUtf8, concat("什么是大模型？\t大模型是什么？\t1\n".getBytes(StandardCharsets.UTF_8),
                new byte[]{'c', 'a', (byte) 0xe9, '\t', 'c', 'a', 'f', 'e', '\t', '1', '\n'}));
        Path empty = Files.createFile(dir.resolve("empty.tsv"));
        Path badLabel = dir.resolve("label.tsv");
        Files.writeString(badLabel, "a\tb\t1\nc\td\tyes\n");

        expect(run("bench", "quality", "--pairs", missing.toString()), "promptcache bench quality: no such file: " + missing);
        expect(run("bench", "quality", "--pairs", notUtf8.toString()),
                "promptcache bench quality: " + notUtf8 + " line 2 is not UTF-8 text; save the file as UTF-8");
        expect(run("bench", "quality", "--pairs", dir.toString()), "promptcache bench quality: " + dir + " is a folder; give a file");
        expect(run("bench", "quality", "--pairs", empty.toString()),
                "promptcache bench quality: " + empty + " holds no labelled pairs: expected lines of text_a<TAB>text_b<TAB>0|1");
        expect(run("calibrate", "--pairs", badLabel.toString()),
                "promptcache calibrate: " + badLabel + " line 2: expected text_a<TAB>text_b<TAB>0|1, found the label 'yes'");
        expect(run("bench", "conversations", "--pairs", empty.toString()),
                "promptcache bench conversations: " + empty + " holds no labelled pairs: expected lines of text_a<TAB>text_b<TAB>0|1");
        expect(run("chat", "--offline", "--script", missing.toString()), "promptcache chat: no such file: " + missing);
        expect(run("chat", "--offline", "--script", notUtf8.toString()),
                "promptcache chat: " + notUtf8 + " line 2 is not UTF-8 text; save the file as UTF-8");
        expect(run("bench", "store", "--store", "redis://127.0.0.1:1", "--hit-round-trips", "0"),
                "promptcache bench store: --hit-round-trips must be at least 1, was 0");
    }

    @Test
    void aDependencyThatIsDownIsAFaultNamedInWordsAndExitsOne() {
        Run run = run("stats", "--store", "redis://127.0.0.1:1");
        assertEquals(1, run.code(), run.err());
        assertTrue(run.err().startsWith("promptcache stats: Redis does not answer ("), run.err());
        assertNoJavaNames(run.err());
    }

    private static void expect(Run run, String line) {
        assertEquals(2, run.code(), "bad input exits 2: " + run.err());
        assertEquals(line + "\n", run.err().replace("\r\n", "\n"));
        assertNoJavaNames(run.err());
    }

    private static void assertNoJavaNames(String text) {
        assertFalse(text.matches("(?s).*\\b\\w+(Exception|Error)\\b.*"), "a Java class name: " + text);
        assertFalse(text.contains("\tat "), "a stack trace: " + text);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] all = new byte[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
