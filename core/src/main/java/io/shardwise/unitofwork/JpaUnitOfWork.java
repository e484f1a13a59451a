package io.shardwise.unitofwork;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import jakarta.persistence.EntityTransaction;
import io.shardwise.routing.Shard;
import io.shardwise.routing.ShardFailures;
import io.shardwise.routing.ShardRoutingException;
import io.shardwise.routing.ShardUnavailableException;
import io.shardwise.unitofwork.ShardUnitOfWork.ShardConnection;
import org.hibernate.FlushMode;
import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.hibernate.proxy.HibernateProxy;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.support.PersistenceExceptionTranslator;
import org.springframework.orm.jpa.EntityManagerFactoryInfo;
import org.springframework.orm.jpa.EntityManagerFactoryUtils;
import org.springframework.orm.jpa.JpaDialect;
import org.springframework.orm.jpa.EntityManagerHolder;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.util.ClassUtils;

/**
 * The JPA side of a {@link ShardUnitOfWork}: one Hibernate session per shard. The
 * transaction manager's EntityManager is the home shard's session; the others are opened
 * on their shard's own connection. In their place Spring's transaction resources hold a
 * routing EntityManager, which hands each call to the session of the selected shard, and
 * calls about one entity ({@code refresh}, {@code remove}, {@code lock}, ...) to the
 * session that manages that entity.
 */
final class JpaUnitOfWork {

	private static final Set<String> ENTITY_METHODS = Set.of("refresh", "remove", "detach", "lock", "getLockMode",
			"evict");

	private final ShardUnitOfWork unitOfWork;

	private final EntityManagerHolder homeHolder;

	private final Session home;

	private final SessionFactory factory;

	/** The EntityManagerFactory's JPA dialect, as the transaction manager translates with. */
	private final PersistenceExceptionTranslator translator;

	private JpaUnitOfWork(ShardUnitOfWork unitOfWork, EntityManagerHolder homeHolder, SessionFactory factory,
			PersistenceExceptionTranslator translator) {
		this.unitOfWork = unitOfWork;
		this.homeHolder = homeHolder;
		this.home = homeHolder.getEntityManager().unwrap(Session.class);
		this.factory = factory;
		this.translator = translator;
	}

	/**
	 * Install the routing EntityManager in place of a transaction resource, if the
	 * resource is the EntityManager of an EntityManagerFactory on the routing DataSource.
	 * @return the JPA unit of work, or {@code null} if the resource is something else
	 */
	static JpaUnitOfWork install(ShardUnitOfWork unitOfWork, Object key, Object value) {
		if (!(value instanceof EntityManagerHolder holder) || !(key instanceof EntityManagerFactory emf)
				|| holder.getEntityManager() == null || !onShards(emf)) {
			return null;
		}
		JpaDialect dialect = ((EntityManagerFactoryInfo) emf).getJpaDialect();
		JpaUnitOfWork jpa = new JpaUnitOfWork(unitOfWork, holder, emf.unwrap(SessionFactory.class),
				(dialect != null) ? dialect : EntityManagerFactoryUtils::convertJpaAccessExceptionIfPossible);
		jpa.home.doWork(unitOfWork::pinToHome);
		TransactionSynchronizationManager.unbindResource(key);
		TransactionSynchronizationManager.bindResource(key, new RoutingHolder(jpa.routingEntityManager(), holder));
		return jpa;
	}

	/**
	 * Return whether the transaction's own EntityManager on the routing DataSource (the
	 * home shard's, before any other shard was called) manages an entity.
	 */
	static boolean homeManages(Object entity) {
		for (Map.Entry<Object, Object> resource : TransactionSynchronizationManager.getResourceMap().entrySet()) {
			if (resource.getValue() instanceof EntityManagerHolder holder
					&& resource.getKey() instanceof EntityManagerFactory emf && holder.getEntityManager() != null
					&& onShards(emf) && contains(holder.getEntityManager().unwrap(Session.class), entity)) {
				return true;
			}
		}
		return false;
	}

	private static boolean onShards(EntityManagerFactory emf) {
		if (emf instanceof EntityManagerFactoryInfo info && info.getDataSource() != null) {
			try {
				return info.getDataSource().isWrapperFor(io.shardwise.routing.ShardRoutingDataSource.class);
			}
			catch (java.sql.SQLException ex) {
				return false;
			}
		}
		return false;
	}

	static void markRollbackOnly(Object resource) {
		if (resource instanceof EntityManagerHolder holder && holder.getEntityManager() != null) {
			EntityTransaction transaction = holder.getEntityManager().getTransaction();
			if (transaction.isActive()) {
				transaction.setRollbackOnly();
			}
		}
	}

	void markRollbackOnly() {
		markRollbackOnly(this.homeHolder);
	}

	Connection homeConnection() {
		return this.home.doReturningWork((connection) -> connection);
	}

	/**
	 * Return the session of a shard, opening it on the shard's connection at first use.
	 */
	Session session(Shard shard) {
		if (shard.equals(this.unitOfWork.homeShard())) {
			return this.home;
		}
		ShardConnection connection = this.unitOfWork.connection(shard);
		if (connection.session == null) {
			Session session = this.factory.withOptions()
				.connection(connection.connection)
				.flushMode(this.unitOfWork.isReadOnly() ? FlushMode.MANUAL : FlushMode.AUTO)
				.openSession();
			session.setDefaultReadOnly(this.unitOfWork.isReadOnly());
			session.getTransaction().begin();
			connection.session = session;
		}
		return (Session) connection.session;
	}

	private List<Session> sessions() {
		List<Session> sessions = new ArrayList<>();
		sessions.add(this.home);
		for (ShardConnection connection : this.unitOfWork.otherConnections()) {
			if (connection.session != null) {
				sessions.add((Session) connection.session);
			}
		}
		return sessions;
	}

	Shard shardOf(Object entity) {
		if (entity instanceof HibernateProxy proxy) {
			Object session = proxy.getHibernateLazyInitializer().getSession();
			return (session != null && isOurs(session)) ? this.unitOfWork.shardOfSession(session) : null;
		}
		for (Session session : sessions()) {
			if (contains(session, entity)) {
				return this.unitOfWork.shardOfSession(session);
			}
		}
		return null;
	}

	private boolean isOurs(Object session) {
		for (Session candidate : sessions()) {
			if (candidate == session) {
				return true;
			}
		}
		return false;
	}

	private static boolean contains(Session session, Object entity) {
		try {
			return session.contains(entity);
		}
		catch (IllegalArgumentException ex) {
			return false; // not an entity
		}
	}

	/**
	 * Flush every session, home first; the write listeners refuse a second write shard
	 * before its first statement. A session's failure is translated as the transaction
	 * manager translates the home session's at its commit, so that a duplicate key is a
	 * {@code DataIntegrityViolationException} whichever shard the transaction touched
	 * first.
	 */
	void beforeCommit() {
		if (this.unitOfWork.isReadOnly()) {
			return;
		}
		for (Session session : sessions()) {
			if (session.isOpen() && session.getHibernateFlushMode() != FlushMode.MANUAL) {
				try {
					flush(session);
				}
				catch (ShardRoutingException ex) {
					throw ex;
				}
				catch (RuntimeException ex) {
					throw translate(ex, this.unitOfWork.shardOfSession(session));
				}
			}
		}
		for (ShardConnection connection : this.unitOfWork.otherConnections()) {
			if (connection.session != null && ((Session) connection.session).getTransaction().getRollbackOnly()) {
				throw new org.springframework.transaction.UnexpectedRollbackException("Transaction rolled back "
						+ "because a call on shard '" + connection.shard.id() + "' marked it rollback-only");
			}
		}
	}

	private static void flush(Session session) {
		try {
			session.flush();
		}
		catch (RuntimeException ex) {
			for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
				if (cause instanceof ShardRoutingException refusal) {
					throw refusal;
				}
			}
			throw ex;
		}
	}

	/**
	 * Translate a failure of a shard's session: a lost connection into a
	 * {@link ShardUnavailableException} naming the shard, the rest by the JPA dialect.
	 */
	RuntimeException translate(RuntimeException ex, Shard shard) {
		ShardUnavailableException unavailable = ShardFailures.translate(ex, shard);
		if (unavailable != null) {
			return unavailable;
		}
		DataAccessException translated = this.translator.translateExceptionIfPossible(ex);
		return (translated != null) ? translated : ex;
	}

	static void commit(Object session) {
		((Session) session).getTransaction().commit();
	}

	static void close(Object session, boolean committed) {
		Session hibernate = (Session) session;
		try {
			if (!committed && hibernate.getTransaction().isActive()) {
				hibernate.getTransaction().rollback();
			}
		}
		finally {
			hibernate.close();
		}
	}

	private EntityManager routingEntityManager() {
		Class<?>[] interfaces = ClassUtils.getAllInterfacesForClass(this.home.getClass(),
				JpaUnitOfWork.class.getClassLoader());
		return (EntityManager) Proxy.newProxyInstance(JpaUnitOfWork.class.getClassLoader(), interfaces,
				new RoutingHandler());
	}

	/**
	 * Hands each EntityManager call to the right shard's session.
	 */
	private final class RoutingHandler implements InvocationHandler {

		@Override
		public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
			switch (method.getName()) {
				case "equals":
					return proxy == args[0];
				case "hashCode":
					return System.identityHashCode(proxy);
				case "toString":
					return "Shardwise EntityManager of " + JpaUnitOfWork.this.unitOfWork;
				case "close":
					return null; // the unit of work and the transaction manager close the sessions
				case "isOpen":
				case "getTransaction":
				case "getEntityManagerFactory":
				case "getMetamodel":
				case "getCriteriaBuilder":
					return invoke(JpaUnitOfWork.this.home, method, args);
				case "flush":
				case "clear":
					if (method.getParameterCount() == 0) {
						for (Session session : sessions()) {
							invoke(session, method, args);
						}
						return null;
					}
					break;
				case "contains":
					if (args != null && args.length == 1) {
						return shardOf(args[0]) != null;
					}
					break;
				default:
					if (ENTITY_METHODS.contains(method.getName()) && args != null && args.length > 0
							&& args[0] != null) {
						Shard shard = shardOf(args[0]);
						if (shard != null) {
							return invoke(session(shard), method, args);
						}
					}
			}
			return invoke(session(JpaUnitOfWork.this.unitOfWork.activeShard()), method, args);
		}

		private Object invoke(Session target, Method method, Object[] args) throws Throwable {
			try {
				return method.invoke(target, args);
			}
			catch (InvocationTargetException ex) {
				throw ex.getTargetException();
			}
		}

	}

	/**
	 * The holder of the routing EntityManager; rollback-only marks also go to the JPA
	 * transaction of the transaction manager's own EntityManager, which it consults at
	 * commit.
	 */
	private static final class RoutingHolder extends EntityManagerHolder {

		private final EntityManagerHolder home;

		RoutingHolder(EntityManager entityManager, EntityManagerHolder home) {
			super(entityManager);
			this.home = home;
			setSynchronizedWithTransaction(true);
			setTransactionActive(true);
		}

		@Override
		public void setRollbackOnly() {
			super.setRollbackOnly();
			this.home.setRollbackOnly();
			JpaUnitOfWork.markRollbackOnly(this.home);
		}

		@Override
		public boolean isRollbackOnly() {
			return this.home.isRollbackOnly();
		}

	}

}
