package io.promptcache.gateway;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.GlobalEventExecutor;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The gateway's HTTP server: Netty's HTTP/1.1 codec on as many event loops as cores, with the routes run on a pool of
 * worker threads (a route may wait on the store or the provider; an event loop never waits). The one exception is
 * {@code inline}: work that cannot wait (a known body served from an in-process store) is done on the event loop. A stop closes the
 * listening socket, waits for the requests in flight, then closes the connections.
 */
final class NettyServer {

    private final String host;
    private final int port;
    private final int maxBodyBytes;
    private final Consumer<Exchange> routes;
    private final java.util.function.Predicate<Exchange> inline;
    private final Consumer<Exchange> tooLarge;
    private final ExecutorService workers;
    private final AtomicInteger inFlight = new AtomicInteger();
    private EventLoopGroup boss;
    private EventLoopGroup loops;
    private Channel listening;
    private ChannelGroup connections;

    NettyServer(String host, int port, int maxBodyBytes, int maxThreads, java.util.function.Predicate<Exchange> inline,
                Consumer<Exchange> routes, Consumer<Exchange> tooLarge) {
        this.inline = inline;
        this.host = host;
        this.port = port;
        this.maxBodyBytes = maxBodyBytes;
        this.routes = routes;
        this.tooLarge = tooLarge;
        AtomicInteger n = new AtomicInteger();
        // Core size = maximum: a pool only grows past its core when its queue is full, and a miss holds its worker
        // for as long as the provider takes, so a smaller core would queue the 17th slow call behind the first 16.
        ThreadPoolExecutor pool = new ThreadPoolExecutor(maxThreads, maxThreads, 60, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(10_000), r -> {
                    Thread t = new Thread(r, "promptcache-gateway-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        pool.allowCoreThreadTimeOut(true); // idle workers go after a minute
        this.workers = pool;
    }

    void start() throws InterruptedException {
        boolean epoll = epoll();
        boss = new MultiThreadIoEventLoopGroup(1, epoll ? io.netty.channel.epoll.EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        loops = new MultiThreadIoEventLoopGroup(Runtime.getRuntime().availableProcessors(),
                epoll ? io.netty.channel.epoll.EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
        ServerBootstrap b = new ServerBootstrap().group(boss, loops)
                .channel(epoll ? io.netty.channel.epoll.EpollServerSocketChannel.class : NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        connections.add(ch);
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpServerKeepAliveHandler(),
                                new BoundedAggregator(maxBodyBytes), new Dispatch());
                    }
                });
        try {
            listening = b.bind(host, port).sync().channel();
        } catch (RuntimeException | InterruptedException e) {
            stop(Duration.ZERO);
            throw e;
        }
    }

    /** Linux's epoll when its native library loads here (it ships for x86-64 Linux); NIO otherwise. */
    private static boolean epoll() {
        try {
            return io.netty.channel.epoll.Epoll.isAvailable();
        } catch (LinkageError | RuntimeException notHere) {
            return false;
        }
    }

    int port() {
        return ((InetSocketAddress) listening.localAddress()).getPort();
    }

    /** Stops accepting, lets requests in flight finish (at most {@code grace}), then closes everything. */
    void stop(Duration grace) {
        if (listening != null) {
            listening.close().awaitUninterruptibly();
        }
        long end = System.nanoTime() + grace.toNanos();
        while (inFlight.get() > 0 && System.nanoTime() < end) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (connections != null) {
            connections.close().awaitUninterruptibly();
        }
        workers.shutdownNow();
        if (loops != null) {
            loops.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
        }
        if (boss != null) {
            boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
        }
    }

    /** The aggregator, with the gateway's own 413 in OpenAI's error shape. */
    private final class BoundedAggregator extends HttpObjectAggregator {
        BoundedAggregator(int max) {
            super(max);
        }

        @Override
        protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
            io.netty.handler.codec.http.HttpRequest request = (io.netty.handler.codec.http.HttpRequest) oversized;
            NettyExchange ex = new NettyExchange(ctx, request.method().name(), request.uri(), request.headers(), new byte[0]);
            ex.closeAfter = true;
            inFlight.incrementAndGet();
            tooLarge.accept(ex);
        }
    }

    /** Hands each whole request to a worker. */
    private final class Dispatch extends SimpleChannelInboundHandler<FullHttpRequest> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            NettyExchange ex = new NettyExchange(ctx, request.method().name(), request.uri(), request.headers(),
                    ByteBufUtil.getBytes(request.content()));
            inFlight.incrementAndGet();
            if (inline.test(ex)) {
                return; // answered on this event loop: nothing in it can wait
            }
            try {
                workers.execute(() -> {
                    try {
                        routes.accept(ex);
                    } finally {
                        ex.ensureEnded();
                    }
                });
            } catch (RejectedExecutionException full) {
                ex.send(503, "application/json", GatewayError.body(503, "server_error", null, "overloaded",
                        "The gateway has more requests waiting than it takes; try again."));
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close(); // a broken connection: nothing to answer on it
        }
    }

    private final class NettyExchange implements Exchange {
        private final ChannelHandlerContext ctx;
        private final String method;
        private final String path;
        private final String query;
        private final HttpHeaders requestHeaders;
        private final byte[] body;
        private final HttpHeaders responseHeaders = new DefaultHttpHeaders();
        private volatile boolean committed;
        private volatile boolean ended;
        boolean closeAfter;

        NettyExchange(ChannelHandlerContext ctx, String method, String uri, HttpHeaders headers, byte[] body) {
            this.ctx = ctx;
            this.method = method;
            int q = uri.indexOf('?');
            this.path = q < 0 ? uri : uri.substring(0, q);
            this.query = q < 0 ? null : uri.substring(q + 1);
            this.requestHeaders = headers; // plain objects: they outlive the released body
            this.body = body;
        }

        @Override
        public String method() {
            return method;
        }

        @Override
        public String path() {
            return path;
        }

        @Override
        public String query() {
            return query;
        }

        @Override
        public String header(String name) {
            return requestHeaders.get(name);
        }

        @Override
        public List<Map.Entry<String, String>> headers() {
            return new ArrayList<>(requestHeaders.entries());
        }

        @Override
        public byte[] body() {
            return body;
        }

        @Override
        public void responseHeader(String name, String value) {
            responseHeaders.set(name, value);
        }

        @Override
        public boolean committed() {
            return committed;
        }

        @Override
        public void send(int status, String contentType, byte[] bytes) {
            if (committed) {
                return;
            }
            committed = true;
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                    HttpResponseStatus.valueOf(status), Unpooled.wrappedBuffer(bytes));
            response.headers().set(responseHeaders);
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
            response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
            if (closeAfter) {
                HttpUtil.setKeepAlive(response, false); // the rest of the body is unread: tell the client not to reuse it
            }
            finish(ctx.writeAndFlush(response));
        }

        @Override
        public Stream stream(int status, String contentType) {
            committed = true;
            DefaultHttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status));
            head.headers().set(responseHeaders);
            head.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
            HttpUtil.setTransferEncodingChunked(head, true);
            ctx.writeAndFlush(head);
            return new Stream() {
                @Override
                public void write(byte[] piece) {
                    ChannelFuture f = ctx.write(new DefaultHttpContent(Unpooled.wrappedBuffer(piece)));
                    if (!ctx.channel().isWritable()) {
                        ctx.flush();
                        f.awaitUninterruptibly(); // the client reads slowly: wait rather than pile up the answer
                    }
                }

                @Override
                public void flush() {
                    ctx.flush();
                }

                @Override
                public void end() {
                    finish(ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT));
                }

                @Override
                public void end(Map<String, String> trailers) {
                    io.netty.handler.codec.http.DefaultLastHttpContent last = new io.netty.handler.codec.http.DefaultLastHttpContent();
                    trailers.forEach((name, value) -> last.trailingHeaders().set(name, value));
                    finish(ctx.writeAndFlush(last));
                }
            };
        }

        private void finish(ChannelFuture written) {
            if (ended) {
                return;
            }
            ended = true;
            written.addListener(f -> inFlight.decrementAndGet());
            if (closeAfter) { // keep-alive otherwise, as HttpServerKeepAliveHandler decides
                written.addListener(ChannelFutureListener.CLOSE);
            }
        }

        /** A route that answered nothing (it failed after streaming began): the response is ended all the same. */
        void ensureEnded() {
            if (!ended) {
                if (committed) {
                    finish(ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT));
                } else {
                    send(500, "application/json", GatewayError.body(500, "server_error", null, null, "The gateway failed this request."));
                }
            }
        }
    }
}
