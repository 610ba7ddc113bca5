package io.promptcache.springextra;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/** An application with beans of its own (OwnBeans) and no @AiService. */
@SpringBootApplication
public class OwnApplication {
}
