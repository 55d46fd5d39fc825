// A bare WebSocket echo server (ws, no protocol, no database): the floor under
// the hub's push→ack latency, in its own process like the hub.
import { WebSocketServer } from 'ws';

const server = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
server.on('connection', (socket) => socket.on('message', (data) => socket.send(data.toString())));
server.on('listening', () => console.log(`listening on ${server.address().port}`));
process.once('SIGTERM', () => server.close(() => process.exit(0)));
