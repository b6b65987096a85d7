package org.fedflink.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The REST client against small local HTTP servers standing in for JobManagers. */
class FlinkRestTest {

    private HttpServer server;
    private final AtomicInteger requests = new AtomicInteger();
    private volatile int status = 200;
    private volatile String body = "{\"taskmanagers\":2}";

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            requests.incrementAndGet();
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    private URI live() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    private static URI dead() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return URI.create("http://127.0.0.1:" + s.getLocalPort()); // closed again: connection refused
        }
    }

    @Test
    void aDeadJobManager_isSkippedAndTheOneThatAnsweredIsTriedFirstNextTime() throws Exception {
        FlinkRest rest = new FlinkRest(List.of(dead(), live()));
        assertThat(rest.get("/overview").path("taskmanagers").asInt()).isEqualTo(2);
        assertThat(rest.current()).isEqualTo(live());
        rest.get("/overview");
        assertThat(requests.get()).isEqualTo(2);
    }

    @Test
    void aServerError_triesTheNextJobManager_andTheLastErrorIsReported() throws Exception {
        status = 500;
        body = "{\"errors\":[\"org.apache.flink.runtime.rpc.exceptions.RecipientUnreachableException: leader gone\\nmore\"]}";
        FlinkRest rest = new FlinkRest(List.of(live(), dead()));
        assertThatThrownBy(() -> rest.get("/overview"))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("failed: ConnectException");
        assertThat(requests.get()).isEqualTo(1);
    }

    @Test
    void aClientError_isFinal_andCarriesFlinksFirstErrorLine() throws Exception {
        status = 404;
        body = "{\"errors\":[\"Job 0123 not found\\nstack\"]}";
        FlinkRest rest = new FlinkRest(List.of(live(), live()));
        assertThatThrownBy(() -> rest.jobState("0123"))
                .isInstanceOf(FlinkRest.RestException.class)
                .hasMessageEndingWith("answered HTTP 404: Job 0123 not found");
        assertThat(requests.get()).isEqualTo(1);
    }
}
